"""The opt-in "calendar feed on my home network" setting of local mode (users.prefs)."""

from __future__ import annotations

from runback.services.store import Store, get_user

__all__ = ["HOME_NETWORK_KEY", "feed_on_home_network", "set_feed_on_home_network"]

HOME_NETWORK_KEY = "feed_on_home_network"  # users.prefs; absent: off


def feed_on_home_network(store: Store, *, user_id: int) -> bool:
    """Tell whether the calendar feed should be reachable from the home network (default off)."""
    with store.factory() as session:
        return (get_user(session, user_id=user_id).prefs or {}).get(HOME_NETWORK_KEY) is True


def set_feed_on_home_network(store: Store, on: bool, *, user_id: int) -> bool:
    """Turn the home-network calendar feed on or off (from the next start), and return it."""
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        prefs = {k: v for k, v in (row.prefs or {}).items() if k != HOME_NETWORK_KEY}
        if on:
            prefs[HOME_NETWORK_KEY] = True
        row.prefs = prefs  # a new dict, so SQLAlchemy sees the JSON change
        return on
