"""Layers only point down, and `core/` does no I/O: checked over the import graph of src/runback.

Ranks (a module may import its own package, a lower rank, and the listed peers):
 -1  errors (the one error module)
  0  core, and the top-level errors, files, settings, sound
  1  storage, importers
  2  services
  3  cli, web, remind, report   (report renders what services return)
  4  __main__
On top, cli and web reach the database only through services: they import no `storage` module.
Imports inside functions count too (ast.walk sees every import statement).
"""

from __future__ import annotations

import ast
from pathlib import Path

import runback

SRC = Path(runback.__file__).parent

RANK = {
    "core": 0,
    "errors": -1,
    "files": 0,
    "settings": 0,
    "sound": 0,
    "storage": 1,
    "importers": 1,
    "services": 2,
    "cli": 3,
    "web": 3,
    "remind": 3,
    "report": 3,
    "__main__": 4,
    "__init__": 0,
}
# Same-rank edges that are part of the design: `runback remind ...` drives the daemon,
# `runback serve` starts the web app, and the web serves the reminders' calendar feed.
ALLOWED_PEERS = {("cli", "remind"), ("cli", "web"), ("web", "remind")}
NO_STORAGE = {"cli", "web"}

# Known edges against the rules, to be emptied by the next round of issue 15 (never add to it).
KNOWN_VIOLATIONS = {
    # The only circle: the report service renders the PDF itself instead of returning data.
    ("services/report.py", "runback.report.handout"),
    ("services/report.py", "runback.report.pdf"),
    # The web reads per-user stamps straight from storage.
    ("web/deps.py", "runback.storage.stamps"),
    ("web/routes/today.py", "runback.storage.stamps"),
    # `runback backup` builds its own engine because services/backup.py takes a raw engine.
    ("cli/backup.py", "runback.storage.db"),
    # Found while writing this test: both front ends describe database trouble via storage.db.
    ("cli/common.py", "runback.storage.db"),
    ("web/app.py", "runback.storage.db"),
}

# Modules that do I/O; `core/` is pure and imports none of them.
IO_MODULES = {
    "sqlite3",
    "sqlalchemy",
    "psycopg",
    "socket",
    "subprocess",
    "httpx",
    "requests",
    "urllib.request",
    "http.client",
    "shutil",
    "tempfile",
    "multiprocessing",
    "threading",
    "asyncio",
    "fastapi",
    "uvicorn",
    "typer",
    "rich",
    "jeepney",
    "reportlab",
}


def _imports(path: Path) -> list[str]:
    """Return every absolute module name the file imports, at any depth."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            # `from runback import errors` names a module in its import list.
            if node.module == "runback":
                names += [f"runback.{a.name}" for a in node.names]
    return names


def _package(parts: tuple[str, ...]) -> str:
    """Return the layer a module belongs to: its sub-package, or a top-level module's name."""
    return parts[0].removesuffix(".py")


def _edges() -> list[tuple[str, str, str, str]]:
    """Return (file, imported module, from layer, to layer) for every runback import."""
    edges = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        src = _package(rel.parts)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "runback" or len(parts) < 2:
                continue
            edges.append((rel.as_posix(), name, src, parts[1]))
    return edges


def _violations() -> set[tuple[str, str]]:
    found = set()
    for file, name, src, dst in _edges():
        if src == dst:
            continue
        up = RANK[dst] > RANK[src] or (RANK[dst] == RANK[src] and (src, dst) not in ALLOWED_PEERS)
        if up or (src in NO_STORAGE and dst == "storage"):
            found.add((file, ".".join(name.split(".")[:3])))
    return found


def test_every_layer_has_a_rank() -> None:
    assert {src for _, _, src, _ in _edges()} | {dst for *_, dst in _edges()} <= set(RANK)


def test_layers_only_point_down() -> None:
    new = _violations() - KNOWN_VIOLATIONS
    assert not new, f"imports that point up or skip services (file, module): {sorted(new)}"


def test_known_violations_are_still_there() -> None:
    # A fixed edge leaves the list, so it cannot quietly come back.
    assert not KNOWN_VIOLATIONS - _violations(), sorted(KNOWN_VIOLATIONS - _violations())


def test_core_does_no_io() -> None:
    bad = []
    for path in sorted((SRC / "core").rglob("*.py")):
        for name in _imports(path):
            if any(name == m or name.startswith(m + ".") for m in IO_MODULES):
                bad.append(f"{path.relative_to(SRC)}: {name}")
    assert not bad, bad


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f() -> None:\n    from runback.web import app\n", encoding="utf-8")
    assert _imports(module) == ["runback.web"]
