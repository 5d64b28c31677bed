"""Write routine and programme files as TOML: the one writer, on tomli-w."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import tomli_w

__all__ = ["dumps"]


def dumps(data: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """Return `data` as a TOML document headed by `comments` (one `# ` line each)."""
    # tomli-w escapes every control character (DEL included) so the file always reads back.
    header = "".join(f"# {line}\n" for line in comments)
    return header + tomli_w.dumps(data, multiline_strings=True)
