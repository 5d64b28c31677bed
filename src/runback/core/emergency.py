"""The emergency phone number to offer, by default from the user's time zone.

A small table on purpose: the zone only hints at the country, so the number is a user setting
and this is its default. 112 works from mobile phones in Europe and in many other countries.
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_NUMBER", "number_for_zone", "valid_number"]

DEFAULT_NUMBER = "112"
# (zone or zone prefix, number), most specific first.
_BY_ZONE: tuple[tuple[str, str], ...] = (
    ("Europe/London", "999"),
    ("Europe/Belfast", "999"),
    ("GB", "999"),
    ("Europe/", "112"),
    ("America/", "911"),  # the United States and Canada (and most of the Americas)
    ("US/", "911"),
    ("Canada/", "911"),
    ("Australia/", "000"),
    ("Pacific/Auckland", "111"),
    ("Pacific/Chatham", "111"),
    ("NZ", "111"),
)
_NUMBER = re.compile(r"[0-9]{2,6}")


def number_for_zone(zone: str) -> str:
    """Return the usual emergency number for a time zone's region (112 when unknown)."""
    for prefix, number in _BY_ZONE:
        if zone == prefix or (prefix.endswith("/") and zone.startswith(prefix)):
            return number
    return DEFAULT_NUMBER


def valid_number(number: str) -> bool:
    """Tell whether this looks like an emergency number: 2 to 6 digits, nothing else."""
    return _NUMBER.fullmatch(number) is not None
