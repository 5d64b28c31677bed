"""Coverage-guided fuzzing of one importer with atheris for a fixed time (run by test_atheris).

    python -m tests.reliability.atheris_target fit|gpx|tcx SECONDS WORKDIR

Starts from the real fixture files; any exception other than ActivityFileError is a crash
(atheris prints it and exits non-zero). Known, reported importer issues are
written to WORKDIR/known.txt; libFuzzer's own summary says how many inputs ran.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["main"]


def main(argv: list[str]) -> int:
    """Fuzz one importer for the given number of seconds."""
    import atheris

    with atheris.instrument_imports():
        from runback.errors import ActivityFileError
        from runback.importers.files import parse_activity
    from tests.reliability.test_fuzz_importers import SEEDS, _known, _seed

    kind, seconds, workdir = argv[0], int(argv[1]), Path(argv[2])
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(SEEDS[kind]):
        (corpus / f"seed{i}.{kind}").write_bytes(_seed(name))

    def one(data: bytes) -> None:
        try:
            parse_activity(f"fuzz.{kind}", data, 2 * 1024 * 1024)
        except ActivityFileError:
            pass
        except Exception as exc:
            reason = _known(exc)
            if reason is None:
                raise
            if reason not in known:
                known.add(reason)
                # libFuzzer ends the process with _exit: write down known issues at once.
                with (workdir / "known.txt").open("a") as out:
                    out.write(reason + "\n")

    known: set[str] = set()
    atheris.Setup(
        [
            sys.argv[0],
            f"-max_total_time={seconds}",
            "-max_len=70000",
            "-rss_limit_mb=4096",
            f"-artifact_prefix={workdir}/",
            str(corpus),
        ],
        one,
    )
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
