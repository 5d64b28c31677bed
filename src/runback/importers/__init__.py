"""runback.importers package."""
