"""Runs: multipart upload (API and plain form) with per-file messages, and the list."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import finished_job, upload


def _files(fixtures_dir: Path, *names: str) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (Path(n).name, (fixtures_dir / n).read_bytes())) for n in names]


def test_upload_imports_good_files_and_explains_the_rest(
    client: TestClient, fixtures_dir: Path
) -> None:
    r = client.post(
        "/api/v1/runs/import",
        files=_files(
            fixtures_dir,
            "gpx/cerknicko-jezero.gpx",
            "gpx/route.gpx",
            "fit/invalid/" + sorted(p.name for p in (fixtures_dir / "fit/invalid").iterdir())[0],
        ),
    )
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/api/v1/jobs/{r.json()['id']}"
    job = finished_job(client, r)
    assert (job["status"], job["files_done"], job["files_total"]) == ("done", 3, 3)
    out = job["result"]
    assert (out["imported"], out["skipped"]) == (1, 2)
    by_file = {f["file"]: f for f in out["files"]}
    good = by_file["cerknicko-jezero.gpx"]
    assert good["status"] == "imported" and "km" in good["message"]
    assert "planned route" in by_file["route.gpx"]["message"]
    assert out["summary"] == "1 imported, 2 not imported."
    runs = client.get("/api/v1/runs").json()
    assert [run["id"] for run in runs] == [good["run_id"]]
    # The same file again is a duplicate, not a second run.
    again = upload(client, _files(fixtures_dir, "gpx/cerknicko-jezero.gpx"))
    assert again["duplicates"] == 1 and again["files"][0]["status"] == "duplicate"
    assert len(client.get("/api/v1/runs").json()) == 1


def test_strava_export_zip_and_the_watch_file_give_one_run(
    client: TestClient, fixtures_dir: Path
) -> None:
    out = upload(
        client,
        _files(
            fixtures_dir, "strava-export.zip", "same-run/2022-05-29-15-53-35_Laufen_Landal_Park.fit"
        ),
    )
    assert out["imported"] == 1 and out["duplicates"] == 1
    assert len(client.get("/api/v1/runs").json()) == 1


def test_plain_form_upload_renders_messages_and_the_list(
    client: TestClient, fixtures_dir: Path
) -> None:
    r = client.post(
        "/runs",
        files=_files(fixtures_dir, "gpx/cerknicko-jezero.gpx", "gpx/route.gpx"),
        follow_redirects=False,
    )
    assert r.status_code == 303
    target = r.headers["location"]
    assert target.startswith("/runs?job=")
    assert client.app.state.jobs.wait_idle(60)  # type: ignore[attr-defined]
    page = client.get(target).text
    assert 'class="result result-imported"><strong>cerknicko-jezero.gpx</strong>' in page
    assert "planned route" in page
    assert page.count("data-run-id=") == 1
    assert "Thu 5 Aug 2010" in page  # start in the user's zone


def test_oversized_upload_is_refused_by_name(
    settings: object, store: object, fixtures_dir: Path
) -> None:
    from runback.services.store import Store
    from runback.settings import Settings
    from runback.web.app import create_app

    assert isinstance(settings, Settings) and isinstance(store, Store)
    store.settings = settings.model_copy(update={"max_upload_bytes": 1000})
    with TestClient(create_app(store.settings, store)) as c:
        out = upload(c, _files(fixtures_dir, "gpx/cerknicko-jezero.gpx"))
    assert out["skipped"] == 1
    assert "over the limit of 1000" in out["files"][0]["message"]


def test_empty_runs_page_says_what_to_do(client: TestClient) -> None:
    page = client.get("/runs").text
    assert "No runs yet" in page
    assert 'enctype="multipart/form-data"' in page and 'data-api="/api/v1/runs/import"' in page


def test_upload_form_accepts_every_registered_format(client: TestClient) -> None:
    from runback.importers.formats import accept_attribute

    assert f'accept="{accept_attribute()}"' in client.get("/runs").text


def test_the_runs_page_shows_the_average_heart_rate(client: TestClient, fixtures_dir: Path) -> None:
    out = upload(client, _files(fixtures_dir, "tcx/test.tcx", "gpx/cerknicko-jezero.gpx"))
    assert out["imported"] == 2
    page = client.get("/runs").text
    assert '<abbr title="Average heart rate">Avg HR</abbr>' in page
    assert page.count('data-label="Avg heart rate">160 bpm<') == 1
    assert page.count('run-hr is-none" data-label="Avg heart rate">–<') == 1  # the GPX: none
    run_id = next(f["run_id"] for f in out["files"] if f["file"] == "test.tcx")
    assert "avg heart rate 160 bpm, highest 189 bpm" in client.get(f"/runs/{run_id}").text
    api = {r["id"]: r for r in client.get("/api/v1/runs").json()}
    assert (api[run_id]["avg_hr"], api[run_id]["max_hr"]) == (160, 189)
