"""The home-network calendar feed setting: off by default, stored in prefs beside the others."""

from __future__ import annotations

from runback.services.concerns import emergency_number, set_emergency_number
from runback.services.home_network import feed_on_home_network, set_feed_on_home_network
from runback.services.store import LOCAL_USER_ID, Store


def test_off_by_default(store: Store) -> None:
    assert feed_on_home_network(store, user_id=LOCAL_USER_ID) is False


def test_on_and_off_again_keeping_other_prefs(store: Store) -> None:
    set_emergency_number(store, "999", user_id=LOCAL_USER_ID)
    assert set_feed_on_home_network(store, True, user_id=LOCAL_USER_ID) is True
    assert feed_on_home_network(store, user_id=LOCAL_USER_ID) is True
    assert emergency_number(store, user_id=LOCAL_USER_ID) == "999"
    set_feed_on_home_network(store, False, user_id=LOCAL_USER_ID)
    assert feed_on_home_network(store, user_id=LOCAL_USER_ID) is False
    assert emergency_number(store, user_id=LOCAL_USER_ID) == "999"
