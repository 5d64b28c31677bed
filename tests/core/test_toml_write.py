"""The one TOML writer: every string, control characters included, reads back the same."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from runback.core import toml_write


@pytest.mark.parametrize(
    "text", ["Mine\x7f", "a\x00b", "\x1b[1m", "tab\there", "two\nlines", "'''"]
)
def test_strings_read_back_equal(text: str) -> None:
    data = {"name": text, "steps": [{"note": text}]}
    assert tomllib.loads(toml_write.dumps(data)) == data


def test_comments_head_the_file_and_dates_stay_dates() -> None:
    text = toml_write.dumps({"start": date(2026, 3, 1)}, ["first", "second"])
    assert text.startswith("# first\n# second\n")
    assert tomllib.loads(text) == {"start": date(2026, 3, 1)}


def test_lists_of_tables_are_blocks() -> None:
    text = toml_write.dumps({"name": "x", "steps": [{"exercise": "a"}, {"exercise": "b"}]})
    assert text.count("[[steps]]") == 2
    assert tomllib.loads(text) == {"name": "x", "steps": [{"exercise": "a"}, {"exercise": "b"}]}
