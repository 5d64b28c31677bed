"""Route modules: each exposes `router` with its HTML pages and its /api/v1/ JSON."""
