"""Many distinct GPX runs for upload tests (and bench/upload.py): each one a separate run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["gpx_run", "many_runs"]


def gpx_run(day: int, points: int) -> bytes:
    """Return a GPX run on day `day` after 2025-01-01, with `points` track points 5 s apart."""
    start = datetime(2025, 1, 1, 6, 30, tzinfo=UTC) + timedelta(days=day)
    rows = []
    for i in range(points):
        at = (start + timedelta(seconds=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # About 14 m north every 5 s: a 10 km/h run.
        rows.append(f'<trkpt lat="{46 + i * 0.000125:.6f}" lon="14.5"><time>{at}</time></trkpt>')
    body = "\n".join(rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="runback-test" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"<trk><name>Run {day}</name><type>running</type><trkseg>\n{body}\n</trkseg></trk></gpx>\n"
    ).encode()


def many_runs(count: int, points: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    """Return `count` GPX runs as multipart `files` fields."""
    return [
        ("files", (f"run-{day:03d}.gpx", gpx_run(day, points), "application/gpx+xml"))
        for day in range(count)
    ]
