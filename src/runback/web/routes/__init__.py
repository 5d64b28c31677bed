"""Route modules, one per resource: each exposes `router` with its HTML pages and its JSON API."""
