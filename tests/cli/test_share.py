"""`runback share create|list|revoke|accept|reject` on the test database and clock."""

from __future__ import annotations

import json
from pathlib import Path

from runback.services import share
from runback.services.store import open_store
from tests.conftest import Cli

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"
).read_bytes()


def test_create_list_revoke(cli: Cli) -> None:
    r = cli("share", "create", "--days", "3", "--base-url", "https://rb.example.org/")
    assert r.exit_code == 0, r.output
    url = r.output.splitlines()[0]
    assert url.startswith("https://rb.example.org/share/") and "cannot show it" in r.output
    token = url.rsplit("/", 1)[1]
    store = open_store(cli.settings, cli.clock)
    share.shared_report(store, token)
    up = share.upload_programme(store, token, EXAMPLE, "revised.toml")
    store.close()
    r = cli("share", "list")
    assert r.exit_code == 0, r.output
    assert "2 view(s)" in r.output and "page" in r.output and "upload" in r.output
    assert "pending" in r.output
    data = json.loads(cli("share", "list", "--json").output)
    link_id = data["links"][0]["id"]
    assert token not in json.dumps(data)  # never shown again
    r = cli("share", "accept", str(up.id))
    assert r.exit_code == 0 and "is now your active programme" in r.output
    r = cli("share", "revoke", str(link_id))
    assert r.exit_code == 0 and "no longer opens" in r.output
    assert "revoked" in cli("share", "list").output


def test_errors_are_one_line(cli: Cli) -> None:
    for args, says in [
        (("share", "create", "--days", "0"), "days: give a whole number from 1 to 90"),
        (("share", "revoke", "5"), "no share link 5"),
        (("share", "revoke", "0"), "no such link"),
        (("share", "accept", "9"), "no uploaded programme 9"),
    ]:
        r = cli(*args)
        assert r.exit_code != 0 and says in r.output, (args, r.output)
        assert "Traceback" not in r.output
    assert json.loads(cli("share", "list", "--json").output)["links"] == []
