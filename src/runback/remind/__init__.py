"""runback.remind package."""
