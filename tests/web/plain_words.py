"""What a page may not say to a person: CLI commands, API paths, internal names, validator text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

__all__ = ["FORBIDDEN", "problems", "visible_text"]

# Each with why it is refused on a page (the message of a failing test).
FORBIDDEN: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(?:^|[\s(`\"'])runback (?:routine|routines|plan|programme|serve|import|run|runs|"
            r"pain|session|sessions|break|breaks|settings|remind|report|calendar|worker|"
            r"user|users|history|progress|slots|profile|export|db|migrate|backup|play)\b"
        ),
        "a command-line command",
    ),
    (re.compile(r"/api/"), "an API path"),
    (re.compile(r"\bslugs?\b", re.I), "the word 'slug'"),
    (re.compile(r"\bIANA\b"), "the word 'IANA'"),
    (re.compile(r"(?<![\w&])#\d+\b"), "an internal id like #12"),
    (
        re.compile(r"Value error|Input should be|Field required|validation error", re.I),
        "raw validator text",
    ),
    (
        re.compile(r"\b1 (?:entries|problems|runs|sessions|breaks|minutes|days|steps|files)\b"),
        "a plural after 1",
    ),
    (re.compile(r"\w\((?:s|es)\)"), "a '(s)' plural"),
    (re.compile(r"\ba (?:a|e|i|o|u)\w", re.I), "'a' before a vowel"),
    (re.compile(r"Traceback|NoneType|\bNone\b(?! yet)"), "Python text"),
    (re.compile(r"\{\{|\}\}|\{%"), "template text"),
]

# "a user", "a unique", "a one-off": 'a' before a vowel letter that sounds like a consonant.
_A_OK = re.compile(r"\ba (?:u(?:s|n[io]|r[aeiou]|t)|one|eu)\w*", re.I)


class _Text(HTMLParser):
    """Collect the text a person sees (no scripts, styles or templates) and labels they hear."""

    SKIP: ClassVar[set[str]] = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)
            if name == "value" and tag in ("button",) and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return a page's visible text and its spoken labels, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def problems(text: str) -> list[str]:
    """Return each forbidden thing found in `text`, with a little of what is around it."""
    found = []
    for pattern, why in FORBIDDEN:
        for m in pattern.finditer(text):
            if why == "'a' before a vowel" and _A_OK.match(text, m.start()):
                continue
            around = text[max(0, m.start() - 40) : m.end() + 40]
            found.append(f"{why}: …{around}…")
    return found
