"""Sound cues: WAV generation, system players, bell fallback, speech; never raising."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from runback.sound import BEEP_KINDS, SilentSounder, Sounder, write_beep_wav


def _fake_program(tmp_path: Path, name: str) -> tuple[Path, Path]:
    log = tmp_path / f"{name}.log"
    prog = tmp_path / name
    prog.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    prog.chmod(0o755)
    return prog, log


def test_beep_wav_is_a_short_sine(tmp_path: Path) -> None:
    path = write_beep_wav(tmp_path / "a" / "beep.wav", 880, 0.1, rate=8000)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        assert w.getnframes() == 800
        frames = w.readframes(800)
    samples = [int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, 1600, 2)]
    assert samples[0] == 0 and max(samples) > 10000 and abs(samples[-1]) < 2000


def test_beep_plays_through_system_player(tmp_path: Path) -> None:
    prog, log = _fake_program(tmp_path, "aplay")
    sounder = Sounder(player=str(prog), cache_dir=tmp_path / "cache", stream=io.StringIO())
    for kind in BEEP_KINDS:
        sounder.beep(kind)
    sounder.beep("unknown-kind")
    sounder.close()
    # Each beep is its own player process, so the lines may land in any order.
    lines = sorted(log.read_text().splitlines())
    cache = tmp_path / "cache"
    expected = [f"-q {cache / f'beep-{k}.wav'}" for k in (*BEEP_KINDS, "tick")]
    assert lines == sorted(expected)  # an unknown kind plays the tick
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        f"beep-{k}.wav" for k in BEEP_KINDS
    )


def test_bell_without_player_and_when_player_fails(tmp_path: Path) -> None:
    out = io.StringIO()
    Sounder(player=None, stream=out).beep()
    Sounder(player=str(tmp_path / "missing"), stream=out, cache_dir=tmp_path).beep("go")
    assert out.getvalue() == "\a\a"


def test_say_only_with_voice_and_speaker(tmp_path: Path) -> None:
    prog, log = _fake_program(tmp_path, "espeak-ng")
    quiet = Sounder(player=None, speaker=str(prog), stream=io.StringIO())
    quiet.say("hello")
    loud = Sounder(player=None, speaker=str(prog), voice=True, stream=io.StringIO())
    loud.say("switch sides")
    loud.say("")
    loud.close()
    assert log.read_text().splitlines() == ["-s 165 -- switch sides"]
    Sounder(player=None, speaker=str(tmp_path / "missing"), voice=True).say("no crash")


def test_silent_sounder(capsys: pytest.CaptureFixture[str]) -> None:
    s = SilentSounder()
    s.beep("go")
    s.say("x")
    s.close()
    assert capsys.readouterr().out == ""


def test_failing_player_falls_back_to_bell(tmp_path: Path) -> None:
    prog = tmp_path / "paplay"
    prog.write_text("#!/bin/sh\nexit 1\n")  # like paplay with no sound server
    prog.chmod(0o755)
    out = io.StringIO()
    sounder = Sounder(player=str(prog), cache_dir=tmp_path, stream=out)
    sounder.beep()
    sounder.close()
    assert out.getvalue() == ""
    sounder.beep()
    assert out.getvalue() == "\a"
