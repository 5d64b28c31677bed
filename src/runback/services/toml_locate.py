"""Find the line of a key, table or array element in TOML text, for error messages."""

from __future__ import annotations

__all__ = ["Loc", "TomlLocator"]

Loc = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class TomlLocator:
    """Map key paths such as ("steps", 1, "exercise") to 1-based line numbers.

    tomllib keeps no positions, so this small scanner walks the text once. It assumes the text
    already parsed (it only has to be good enough to point at a line) and never loops forever.
    """

    def __init__(self, text: str) -> None:
        self._s = text
        self._i = 0
        self._line = 1
        self._lines: dict[Loc, int] = {}
        # Array-of-tables paths (resolved, with parent indices) -> how many seen so far.
        self._aot: dict[Loc, int] = {}
        # Scanned on the first question: valid files (every built-in one) never ask one.
        self._scanned = False

    def line_of(self, loc: Loc) -> int | None:
        """Return the line of the longest known prefix of loc, or None if nothing matches."""
        if not self._scanned:
            self._scanned = True
            self._scan()
        for n in range(len(loc), 0, -1):
            line = self._lines.get(tuple(loc[:n]))
            if line is not None:
                return line
        return None

    # -- scanning -----------------------------------------------------------------------------

    def _peek(self, n: int = 1) -> str:
        return self._s[self._i : self._i + n]

    def _adv(self, n: int = 1) -> None:
        for _ in range(n):
            if self._i < len(self._s):
                if self._s[self._i] == "\n":
                    self._line += 1
                self._i += 1

    def _skip_ws(self, newlines: bool) -> None:
        while self._i < len(self._s):
            c = self._s[self._i]
            if c in " \t\r" or (newlines and c == "\n"):
                self._adv()
            elif c == "#":
                while self._i < len(self._s) and self._s[self._i] != "\n":
                    self._adv()
            else:
                break

    def _skip_line(self) -> None:
        while self._i < len(self._s) and self._s[self._i] != "\n":
            self._adv()

    def _scan(self) -> None:
        current: Loc = ()
        while True:
            self._skip_ws(newlines=True)
            if self._i >= len(self._s):
                return
            start = self._i
            line = self._line
            if self._peek() == "[":
                double = self._peek(2) == "[["
                self._adv(2 if double else 1)
                keys = self._keys()
                current = self._table_path(keys, double, line)
                self._lines.setdefault(current, line)
            else:
                keys = self._keys()
                self._skip_ws(newlines=False)
                if keys and self._peek() == "=":
                    self._adv()
                    path = current + tuple(keys)
                    self._lines.setdefault(path, line)
                    self._skip_ws(newlines=False)
                    self._value(path)
            self._skip_line()
            if self._i == start:
                self._adv()

    def _table_path(self, keys: list[str], double: bool, line: int) -> Loc:
        resolved: Loc = ()
        for n, key in enumerate(keys):
            resolved = (*resolved, key)
            if n == len(keys) - 1 and double:
                count = self._aot.get(resolved, 0)
                self._aot[resolved] = count + 1
                self._lines.setdefault(resolved, line)
                resolved = (*resolved, count)
            elif resolved in self._aot:
                resolved = (*resolved, self._aot[resolved] - 1)
        return resolved

    def _keys(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip_ws(newlines=False)
            c = self._peek()
            if c in ('"', "'"):
                keys.append(self._string())
            elif c and c in _BARE:
                start = self._i
                while self._peek() and self._peek() in _BARE:
                    self._adv()
                keys.append(self._s[start : self._i])
            else:
                return keys
            self._skip_ws(newlines=False)
            if self._peek() != ".":
                return keys
            self._adv()

    def _string(self) -> str:
        """Consume a string of any TOML kind and return its raw content."""
        for delim in ('"""', "'''"):
            if self._peek(3) == delim:
                self._adv(3)
                start = self._i
                while self._i < len(self._s) and self._peek(3) != delim:
                    self._adv(2 if delim == '"""' and self._peek() == "\\" else 1)
                content = self._s[start : self._i]
                self._adv(3)
                while self._peek() == delim[0]:  # up to two quotes may end the content
                    self._adv()
                return content
        quote = self._peek()
        self._adv()
        start = self._i
        while self._i < len(self._s) and self._peek() not in (quote, "\n"):
            self._adv(2 if quote == '"' and self._peek() == "\\" else 1)
        content = self._s[start : self._i]
        if self._peek() == quote:
            self._adv()
        return content

    def _value(self, path: Loc) -> None:
        self._lines.setdefault(path, self._line)
        c = self._peek()
        if c in ('"', "'"):
            self._string()
        elif c == "[":
            self._adv()
            index = 0
            while self._i < len(self._s):
                self._skip_ws(newlines=True)
                if self._peek() in ("]", ""):
                    self._adv()
                    return
                before = self._i
                self._value((*path, index))
                index += 1
                self._skip_ws(newlines=True)
                if self._peek() == "," or self._i == before:
                    self._adv()
        elif c == "{":
            self._adv()
            while self._i < len(self._s):
                self._skip_ws(newlines=True)
                if self._peek() in ("}", ""):
                    self._adv()
                    return
                before = self._i
                keys = self._keys()
                self._skip_ws(newlines=False)
                if self._peek() == "=":
                    self._adv()
                    self._skip_ws(newlines=False)
                    sub = path + tuple(keys)
                    self._lines.setdefault(sub, self._line)
                    self._value(sub)
                self._skip_ws(newlines=True)
                if self._peek() == "," or self._i == before:
                    self._adv()
        else:
            while self._peek() and self._peek() not in ",]}\n#":
                self._adv()
