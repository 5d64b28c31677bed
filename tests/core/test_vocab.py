"""The shared words: each tuple lists its Literal's values, subsets stay subsets."""

from __future__ import annotations

from typing import get_args

from runback.core import vocab


def test_tuples_match_their_literals() -> None:
    assert get_args(vocab.Context) == vocab.CONTEXTS
    assert get_args(vocab.SlotName) == vocab.SLOT_NAMES
    assert get_args(vocab.Outcome) == vocab.OUTCOMES
    assert get_args(vocab.Area) == vocab.AREAS
    assert get_args(vocab.Sport) == vocab.SPORTS


def test_subsets() -> None:
    assert set(vocab.PAIN_REGIONS) <= set(vocab.AREAS)
    assert set(vocab.SPORTS) >= vocab.RUN_SPORTS
    assert vocab.CONTEXT_SLOTS == ("before-run", "after-run", "desk-break")
    assert set(vocab.CONTEXT_SLOTS) == set(vocab.CONTEXTS) - {"other"}
    assert set(vocab.CONTEXT_SLOTS) <= set(vocab.SLOT_NAMES)
