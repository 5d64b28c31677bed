"""The import jobs of a web process, run in a background thread of it (local mode)."""

from __future__ import annotations

import logging
import threading

from runback.services.jobs import work
from runback.services.store import Store

__all__ = ["JobThread"]

log = logging.getLogger(__name__)


class JobThread:
    """Runs the import jobs in a background thread of this process (local mode)."""

    def __init__(self, store: Store, poll_s: float = 1.0) -> None:
        self.store = store
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._users = 0  # an app may be started more than once (each test client does)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (again after `stop`; a second start only counts one more user)."""
        self._users += 1
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="runback-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for new jobs now (after an upload) instead of at the next poll."""
        with self._idle:
            self._busy = True
        self._wake.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every job queued so far is finished; False if `timeout` s passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def stop(self) -> None:
        """Stop after the current file and wait for the thread (once its last user stops)."""
        self._users = max(0, self._users - 1)
        if self._users:
            return
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._idle:
            self._busy = False
            self._idle.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._idle:
                self._busy = True
                self._wake.clear()
            try:
                work(self.store, stop=self._stop, once=True)
            except Exception:
                log.exception("import jobs: the worker thread hit an error; it goes on")
            with self._idle:
                if not self._wake.is_set():
                    self._busy = False
                    self._idle.notify_all()
            self._wake.wait(self.poll_s)
