"""The JSON API's one prefix: every route module spells its API paths as `f"{API}/..."`."""

from __future__ import annotations

__all__ = ["API"]

API = "/api/v1"
