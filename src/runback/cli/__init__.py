"""runback.cli package."""
