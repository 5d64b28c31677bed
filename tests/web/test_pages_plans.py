"""The planner on the web (page, save, play now, JSON) and the physio programme page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from runback.cli import plan as plan_cli
from runback.cli import programme as programme_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.services.routines import get_routine
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, Store
from runback.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"
PLAN = {"minutes": "8", "areas": ["lower-back", "hips"], "where": "desk", "seed": "7"}
# Several problems at once: an unknown exercise (with a close match), a bad dose, a bad field.
BAD_PROGRAMME = """name = "Phase 2"
start = 2026-01-05
times_per_day = 9

[[prescription]]
exercise = "cat-cwo"
sets = 2

[[prescription]]
exercise = "pelvic-tilt"
repz = 10
"""


def cli(*args: str) -> tuple[int, str]:
    """Run `runback plan` / `runback programme` on the per-test database (cli_env)."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(Settings(), FakeClock())

    plan_cli.register(app)
    programme_cli.register(app)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def flat(text: str) -> str:
    """Return text with HTML entities decoded and runs of whitespace made one space."""
    return re.sub(r"\s+", " ", html.unescape(text))


# ---- planner -------------------------------------------------------------------------------


def test_plan_page_shows_every_step_with_its_reason_and_the_exact_total(
    client: TestClient, cli_env: dict[str, str]
) -> None:
    r = client.get("/plan", params=PLAN)
    assert r.status_code == 200, r.text
    assert "Total: 8 min 00 s" in r.text
    code, out = cli(
        "plan", "-m", "8", "-a", "lower-back,hips", "-w", "desk", "--seed", "7", "--json"
    )
    assert code == 0, out
    planned = json.loads(out)
    assert planned["duration_s"] == 480
    # The page shows the same plan as `runback plan`: one row and one reason per step.
    assert r.text.count('class="step plan-step"') == len(planned["routine"]["steps"])
    for why in planned["why"]:
        assert html.escape(why) in r.text
    # The JSON API returns it too, with each step's exact time adding up to the budget.
    body = {"minutes": 8, "areas": ["lower-back", "hips"], "where": "desk", "seed": 7}
    api = client.post("/api/v1/plan", json=body).json()
    assert [s["why"] for s in api["steps"]] == planned["why"]
    assert sum(s["duration_s"] for s in api["steps"]) == api["duration_s"] == 480
    assert api["routine"]["steps"] == planned["routine"]["steps"]
    # "Another mix" asks for the next seed; nothing was stored by planning.
    assert "seed=8" in r.text
    assert client.get("/api/v1/routines/" + api["routine"]["slug"]).status_code == 404


def test_empty_plan_page_is_a_form(client: TestClient) -> None:
    r = client.get("/plan")
    assert r.status_code == 200
    assert 'id="plan-form"' in r.text and 'id="plan-result"' not in r.text
    assert 'href="/plan"' in client.get("/routines").text


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"minutes": "abc"}, "minutes: 'abc' is not a number"),
        ({"minutes": "5", "areas": ["elbows"]}, "unknown area(s) elbows"),
        ({"minutes": "0.2", "areas": ["hips"]}, "too short"),
        ({"minutes": "90"}, "minutes"),
        ({"minutes": "5", "seed": "x"}, "seed: 'x' is not a whole number"),
    ],
)
def test_plan_page_explains_bad_input(
    client: TestClient, params: dict[str, object], words: str
) -> None:
    r = client.get("/plan", params=params)
    assert r.status_code == 422
    assert words in flat(r.text)
    assert 'id="plan-errors"' in r.text and 'id="plan-result"' not in r.text


def test_save_as_routine_then_refuse_the_same_slug_unless_replace(
    client: TestClient, store: Store
) -> None:
    form = {**PLAN, "slug": "desk-eight", "action": "save"}
    r = client.post("/plan/save", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/routines/desk-eight?saved=1"
    saved = get_routine(store, "desk-eight", user_id=LOCAL_USER_ID)
    assert saved.origin == "plan"
    api = client.post("/api/v1/plan", json={**PLAN, "areas": PLAN["areas"]}).json()
    assert [s.model_dump(mode="json", exclude_none=True) for s in saved.steps] == [
        {k: v for k, v in s.items() if v is not None} for s in api["routine"]["steps"]
    ]
    again = client.post("/plan/save", data=form)
    assert again.status_code == 422
    assert "already have a routine 'desk-eight'" in flat(again.text)
    assert 'id="plan-result"' in again.text  # the plan is still shown, to save under a new slug
    r = client.post("/plan/save", data={**form, "replace": "true"}, follow_redirects=False)
    assert r.status_code == 303


def test_play_now_saves_and_opens_the_player_in_the_slot_context(
    client: TestClient, store: Store
) -> None:
    form = {**PLAN, "slug": "after-run-plan", "action": "play", "context": "after-run"}
    r = client.post("/plan/save", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/player/after-run-plan?context=after-run"
    assert client.get(r.headers["location"]).status_code == 200
    # Playing a fresh plan again replaces the earlier plan under that slug...
    r = client.post("/plan/save", data={**form, "seed": "8"}, follow_redirects=False)
    assert r.status_code == 303
    # ...but never a routine the user built.
    mine = {"name": "Mine", "slug": "mine", "steps": [{"exercise": "cat-cow"}]}
    assert client.post("/api/v1/routines", json=mine).status_code == 201
    r = client.post("/plan/save", data={**form, "slug": "mine"})
    assert r.status_code == 422
    assert get_routine(store, "mine", user_id=LOCAL_USER_ID).origin == "user"


def test_plans_api_save_and_errors(client: TestClient) -> None:
    body = {"minutes": 6, "areas": ["hips"], "where": "home", "seed": 1}
    r = client.post("/api/v1/plan/save", json={**body, "slug": "hips-six"})
    assert r.status_code == 201, r.text
    assert r.json()["saved"] == "hips-six" and r.json()["routine"]["slug"] == "hips-six"
    assert client.get("/api/v1/routines/hips-six").json()["origin"] == "plan"
    r = client.post("/api/v1/plan/save", json={**body, "slug": "hips-six"})
    assert r.status_code == 422 and "already have a routine" in r.json()["detail"]
    r = client.post("/api/v1/plan/save", json={**body, "slug": "Hips Six"})
    assert r.status_code == 422 and "is not a short name" in r.json()["detail"]
    r = client.post("/api/v1/plan/save", json={**body, "slug": "desk-break"})
    assert r.status_code == 422 and "built-in" in r.json()["detail"]
    r = client.post("/api/v1/plan", json={"minutes": 0.2, "areas": ["hips"]})
    assert r.status_code == 422 and "too short" in r.json()["detail"]
    r = client.post("/api/v1/plan", json={"minutes": 5, "where": "beach"})
    assert r.status_code == 422 and "where" in r.json()["detail"]


# ---- programme -----------------------------------------------------------------------------


def _import_example(client: TestClient) -> None:
    files = {"file": ("programme.toml", EXAMPLE.read_bytes())}
    r = client.post("/programme/import", files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/programme?imported=1"


def _do_programme_session(store: Store, clock: FakeClock, slug: str) -> None:
    routine = get_routine(store, slug, user_id=LOCAL_USER_ID)
    sid = start_session(store, routine, user_id=LOCAL_USER_ID)
    clock.advance(60)
    every = [step.exercise for step in routine.steps]
    finish_session(store, sid, completed=True, steps_done=every, user_id=LOCAL_USER_ID)


def test_programme_page_imports_shows_and_counts_adherence(
    client: TestClient, store: Store, clock: FakeClock
) -> None:
    assert 'id="programme-none"' in client.get("/programme").text
    assert client.get("/api/v1/programme").status_code == 404
    _import_example(client)
    page = client.get("/programme?imported=1").text
    assert "Lower back, phase 1" in page and "J. Okafor" in page
    assert "prescribed 2×/day, every day, done 0 of 14 this week" in page
    assert 'href="/player/physio-lower-back-phase-1"' in page
    for _ in range(3):
        _do_programme_session(store, clock, "physio-lower-back-phase-1")
    data = client.get("/api/v1/programme").json()
    # Two a day count: the third session today does not hide a missed day.
    assert data["summary"] == "prescribed 2×/day, every day, done 2 of 14 this week"
    assert data["routine_slug"] == "physio-lower-back-phase-1"
    assert data["this_week"]["done"] == 2
    weeks = client.get("/api/v1/programme/adherence", params={"weeks": 3}).json()
    assert [w["prescribed"] for w in weeks] == [0, 0, 14]
    assert "done 2 of 14 this week" in client.get("/programme").text
    exported = client.get("/programme.toml")
    assert exported.headers["content-type"].startswith("application/toml")
    assert 'name = "Lower back, phase 1"' in exported.text


def test_programme_import_errors_match_the_cli(
    client: TestClient, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _import_example(client)
    bad = tmp_path / "phase-2.toml"
    bad.write_text(BAD_PROGRAMME, encoding="utf-8")
    code, out = cli("programme", "import", str(bad))
    assert code == 1
    cli_problems = [p.strip() for p in flat(out).split("problem(s):", 1)[1].split(" - ")[1:]]
    assert [p.split(":")[0] for p in cli_problems] == [
        "phase-2.toml line 3",
        "phase-2.toml line 6",
        "phase-2.toml line 11",
    ], out

    r = client.post("/programme/import", files={"file": ("phase-2.toml", BAD_PROGRAMME.encode())})
    assert r.status_code == 422
    shown = re.findall(r"<li>(.*?)</li>", r.text.split('id="import-errors"')[1].split("</ul>")[0])
    # The same problems, with the same file name and line numbers, as the CLI printed.
    assert [flat(p) for p in shown] == cli_problems
    assert "did you mean 'cat-cow'?" in flat(r.text)
    api = client.post("/api/v1/programme/import", files={"file": ("phase-2.toml", BAD_PROGRAMME)})
    assert api.status_code == 422
    for problem in shown:
        assert flat(problem) in flat(api.json()["detail"])
    # Nothing was stored: the programme imported before is still the active one.
    assert client.get("/api/v1/programme").json()["programme"]["name"] == "Lower back, phase 1"
    assert "your current programme is unchanged" in r.text


def test_programme_import_refuses_syntax_errors_and_binary(client: TestClient) -> None:
    r = client.post("/api/v1/programme/import", files={"file": ("p.toml", b'name = "x\n')})
    assert r.status_code == 422 and "p.toml line 1: TOML syntax error" in r.json()["detail"]
    r = client.post("/api/v1/programme/import", files={"file": ("p.toml", b"\xff\xfe\x00")})
    assert r.status_code == 422 and "not UTF-8" in r.json()["detail"]
    assert "/tmp" not in r.json()["detail"]  # the upload's name, never our temporary path
    assert client.get("/api/v1/programme").status_code == 404
