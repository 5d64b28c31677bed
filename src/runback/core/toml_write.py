"""Write routine and programme files as TOML: the one writer, on tomli-w."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["dumps"]


def dumps(data: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """Return `data` as TOML headed by `comments`, each top-level list of tables as `[[key]]`."""
    # Imported here: every command that reads routines imports this module, few write one.
    import tomli_w

    # tomli-w escapes every control character (DEL included) so the file always reads back.
    plain = {k: v for k, v in data.items() if not _is_table_list(v)}
    out = ["".join(f"# {line}\n" for line in comments)]
    out.append(tomli_w.dumps(plain, multiline_strings=True))
    # tomli-w inlines short tables; `[[steps]]` blocks stay readable for a person editing the file.
    for key, value in data.items():
        if _is_table_list(value):
            for table in value:
                out.append(f"\n[[{key}]]\n" + tomli_w.dumps(table, multiline_strings=True))
    return "".join(out)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
