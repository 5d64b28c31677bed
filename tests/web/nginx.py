"""A real nginx (the Debian package) in front of runback, started by the test suite.

The proxy config is the ```nginx block of docs/hosting.md, with only its ports and certificate
paths changed, wrapped in a top-level config whose prefix, pid, logs and temp folders are all
in a temp dir. As root, nginx runs as `nobody` (nothing of it needs privileges).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.pg import free_port

__all__ = ["HOSTING_DOC", "NginxProxy", "docs_config", "find_nginx", "nginx_proxy"]

HOSTING_DOC = Path(__file__).resolve().parents[2] / "docs" / "hosting.md"


def find_nginx() -> str | None:
    """Return the nginx binary, or None when it is not installed."""
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def docs_config(upstream_port: int, port: int, cert: Path, key: Path) -> str:
    """Return the nginx block of docs/hosting.md for these ports and certificate."""
    found = re.search(r"```nginx\n(.*?)```", HOSTING_DOC.read_text(), re.S)
    assert found, "docs/hosting.md has no ```nginx block"
    block = found.group(1)
    swaps = [
        ("server 127.0.0.1:8765;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
        ("/etc/letsencrypt/live/runback.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/runback.example.org/privkey.pem", str(key)),
    ]
    for old, new in swaps:
        assert old in block, f"docs/hosting.md's nginx block lost {old!r}"
        block = block.replace(old, new)
    return block


class NginxProxy:
    """A running nginx: its https port, the CA file to trust, and its log."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, cert: Path, log: Path):
        self.process = process
        self.port = port
        self.cert = cert
        self.log = log

    @property
    def base(self) -> str:
        """Return the proxy's https base URL."""
        return f"https://127.0.0.1:{self.port}"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def nginx_proxy(upstream_port: int) -> Iterator[NginxProxy]:
    """Run nginx with the documented config in front of 127.0.0.1:`upstream_port`."""
    binary = find_nginx()
    assert binary is not None
    root = Path(tempfile.mkdtemp(prefix="runback-nginx-"))
    try:
        for sub in ("logs", "tmp"):
            (root / sub).mkdir()
        cert, key = _self_signed(root)
        port = free_port()
        temps = "\n".join(
            f"    {name}_temp_path {root / 'tmp' / name};"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        conf = root / "nginx.conf"
        conf.write_text(
            f"daemon off;\nworker_processes 1;\npid {root / 'nginx.pid'};\n"
            f"error_log {root / 'logs' / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    access_log off;\n{temps}\n"
            f"{docs_config(upstream_port, port, cert, key)}\n}}\n"
        )
        user = None
        if os.geteuid() == 0:
            import pwd

            user = "nobody"
            nobody = pwd.getpwnam(user)
            os.chmod(root, 0o755)
            for path in [root, *root.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        log = root / "logs" / "stderr.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [binary, "-p", str(root), "-c", str(conf), "-e", str(root / "logs" / "early.log")],
                stdout=out,
                stderr=subprocess.STDOUT,
                user=user,
                start_new_session=True,
            )
        proxy = NginxProxy(process, port, cert, root / "logs" / "error.log")
        try:
            _wait_listening(proxy)
            yield proxy
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_listening(proxy: NginxProxy) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            raise RuntimeError(f"nginx exited: {_logs(proxy)}")
        try:
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # a real process starting: nothing to fake
    raise RuntimeError(f"nginx did not listen: {_logs(proxy)}")


def _logs(proxy: NginxProxy) -> str:
    folder = proxy.log.parent
    return "\n".join(p.read_text(errors="replace") for p in folder.glob("*.log"))
