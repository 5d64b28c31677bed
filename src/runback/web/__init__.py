"""runback.web package."""
