"""runback.services package."""
