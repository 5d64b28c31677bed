"""Start-up: the everyday commands import only what they use (not a timed test)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
import typer

from runback.cli import app as app_module

# Heavy modules the four read commands never use: the web stack, migrations, PDFs, images,
# the PostgreSQL dialect (on SQLite), the web tables, the TOML writer, the planner, threads.
NEVER = [
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "reportlab",
    "PIL",
    "pydantic_settings",
    "multiprocessing",
    "sqlalchemy.dialects.postgresql",
    "runback.storage.web_models",
    "tomli_w",
    "runback.core.planner",
    "runback.services.plans",
    "runback.services.routines",
    "concurrent.futures.thread",
]

_RUN = """
import json, sys
sys.argv = ["runback", *sys.argv[1:]]
from runback.cli.app import main
try:
    main()
finally:
    print("\\n" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules(args: list[str], env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_every_command_name_maps_to_the_module_that_registers_it() -> None:
    found: dict[str, str] = {}
    for name in app_module._COMMAND_MODULES:
        probe = typer.Typer()
        importlib.import_module(name).register(probe)
        for command in probe.registered_commands:
            assert command.name is not None
            found[command.name] = name
        for group in probe.registered_groups:
            assert group.name is not None
            found[group.name] = name
    assert found == app_module._COMMANDS


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["today"], ["runback.cli.runs", "runback.cli.session"]),
        (
            ["stats", "--json"],
            ["rich", "runback.cli.today", "runback.core.catalog", "runback.core.schedule"],
        ),
        (["runs"], ["runback.cli.today", "runback.importers.sandbox", "runback.core.catalog"]),
        (["breaks"], ["runback.cli.today", "runback.services.runs", "runback.core.catalog"]),
    ],
)
def test_a_read_command_on_a_current_database_imports_nothing_heavy(
    cli_env: dict[str, str], args: list[str], extra: list[str]
) -> None:
    _modules(["today"], cli_env)  # creates and migrates the database
    loaded = _modules(args, cli_env)
    heavy = sorted(
        m for m in loaded for top in [*NEVER, *extra] if m == top or m.startswith(top + ".")
    )
    assert heavy == []
    assert "sqlalchemy.orm" in loaded  # the probe sees the command's own imports


_GC = """
import gc, sys
sys.argv = ["runback", *sys.argv[1:]]
from runback.cli.app import main
try:
    main()
finally:
    print("\\ngc " + str(gc.isenabled()), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "enabled"),
    [(["today"], False), (["runs"], False), (["routine", "list"], True), (["--help"], True)],
)
def test_only_the_quick_read_commands_run_without_the_cyclic_collector(
    cli_env: dict[str, str], args: list[str], enabled: bool
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _GC, *args], capture_output=True, text=True, env=cli_env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"gc {enabled}"
