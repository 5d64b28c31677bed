"""Sound cues: a short sine beep through a system player (or the terminal bell), and speech.

Cues must never break or slow a session: players start as non-blocking subprocesses, and every
failure (no audio device, missing program) is swallowed. Tests inject a recording fake with the
same `beep(kind)` / `say(text)` methods.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal, Protocol, TextIO

__all__ = ["BEEP_KINDS", "BeepKind", "Cues", "SilentSounder", "Sounder", "write_beep_wav"]

BeepKind = Literal["tick", "go", "switch", "done", "finish", "break"]
BEEP_KINDS: tuple[str, ...] = ("tick", "go", "switch", "done", "finish", "break")

# (frequency Hz, length s): short high ticks for 3-2-1, lower and longer for changes.
_TONES: dict[str, tuple[float, float]] = {
    "tick": (880.0, 0.08),
    "go": (1320.0, 0.18),
    "switch": (660.0, 0.25),
    "done": (990.0, 0.25),
    "finish": (523.0, 0.5),
    "break": (740.0, 0.35),
}
_RATE = 22050
# Players in order of preference; each plays a WAV file given as the last argument.
_PLAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("paplay", ()),
    ("pw-play", ()),
    ("aplay", ("-q",)),
    ("play", ("-q",)),
)


class Cues(Protocol):
    """Anything that can beep and speak (the real Sounder, a silent one, a test recorder)."""

    def beep(self, kind: str = "tick") -> None:
        """Make a short sound of the given kind."""
        ...

    def say(self, text: str) -> None:
        """Speak text aloud, if speech is on."""
        ...


def write_beep_wav(path: Path, frequency: float, seconds: float, rate: int = _RATE) -> Path:
    """Write a mono 16-bit sine tone with soft edges (no clicks) to a WAV file."""
    import array
    import wave

    frames = int(rate * seconds)
    fade = max(1, int(rate * 0.01))
    samples = array.array("h")
    for i in range(frames):
        envelope = min(1.0, i / fade, (frames - 1 - i) / fade)
        samples.append(int(0.5 * 32767 * envelope * math.sin(2 * math.pi * frequency * i / rate)))
    if sys.byteorder == "big":
        samples.byteswap()  # WAV is little-endian
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    tmp.replace(path)  # atomic: a concurrent player never sees half a file
    return path


class SilentSounder:
    """Cues that make no sound (--no-sound)."""

    def beep(self, kind: str = "tick") -> None:
        """Do nothing."""

    def say(self, text: str) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


class Sounder:
    """Beep through paplay / pw-play / aplay / sox play when present, else the terminal bell."""

    def __init__(
        self,
        *,
        voice: bool = False,
        stream: TextIO | None = None,
        cache_dir: Path | None = None,
        player: str | None = "auto",
        speaker: str | None = "auto",
    ) -> None:
        self.voice = voice
        self._stream = stream
        self._cache_dir = cache_dir
        self._player = _find_player() if player == "auto" else player
        self._speaker = shutil.which("espeak-ng") if speaker == "auto" else speaker
        self._procs: list[tuple[subprocess.Popen[bytes], bool]] = []
        # Set once the audio player has failed (no sound server, no device): use the bell.
        self._player_broken = False

    @property
    def player(self) -> str | None:
        """Return the audio program in use, or None for the terminal bell."""
        return self._player

    def beep(self, kind: str = "tick") -> None:
        """Make a short sound; never raises, never blocks."""
        self._reap()
        if self._player is not None and not self._player_broken:
            try:
                wav = self._wav(kind)
                args = dict(_PLAYERS).get(Path(self._player).name, ())
                self._spawn([self._player, *args, str(wav)], beep=True)
                return
            except Exception:  # a cue must never break the session
                pass
        self.bell()

    def bell(self) -> None:
        """Ring the terminal bell."""
        try:
            stream = self._stream or sys.stdout
            stream.write("\a")
            stream.flush()
        except (OSError, ValueError):
            pass

    def say(self, text: str) -> None:
        """Speak text through espeak-ng when voice is on and it is installed."""
        if not self.voice or not self._speaker or not text:
            return
        # As for beeps, a failing speaker must never break the session.
        with contextlib.suppress(Exception):
            self._spawn([self._speaker, "-s", "165", "--", text])

    def close(self, timeout: float = 1.0) -> None:
        """Let sounds still playing finish (briefly), then reap them."""
        for proc, _ in self._procs:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._reap()

    def _reap(self) -> None:
        running = []
        for proc, is_beep in self._procs:
            code = proc.poll()
            if code is None:
                running.append((proc, is_beep))
            elif code != 0 and is_beep:
                self._player_broken = True
        self._procs = running

    def _spawn(self, argv: list[str], *, beep: bool = False) -> None:
        self._reap()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal should not hit the player
        )
        self._procs.append((proc, beep))

    def _wav(self, kind: str) -> Path:
        frequency, seconds = _TONES.get(kind, _TONES["tick"])
        folder = self._cache_dir or _cache_dir()
        path = folder / f"beep-{kind if kind in _TONES else 'tick'}.wav"
        if not path.exists():
            write_beep_wav(path, frequency, seconds)
        return path


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("runback", appauthor=False)) / "sounds"


def _find_player() -> str | None:
    for name, _ in _PLAYERS:
        found = shutil.which(name)
        if found:
            return found
    return None
