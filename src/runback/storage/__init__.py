"""runback.storage package."""
