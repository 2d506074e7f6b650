"""The `actionlab` command as a newcomer runs it: piped console input and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.demo.lab import MEMBERS


def actionlab(*args: str, stdin: str = "", cwd: Path, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd, timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]),
                                   **(env or {})},
    )


def test_piped_input_runs_on_the_embedded_default_and_exits_0(tmp_path: Path) -> None:
    script = "\n".join([
        "/lab help",
        ':as Gemma Rhodes',
        '/lab setup "Action Lab 1"',
        ":as Amara Okafor",
        "/lab join",
        ":press I accept and join",
        "/lab tz Africa/Lagos",
        "/lab members",
    ]) + "\n"
    proc = actionlab("run", stdin=script, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "actionlab: what you can type" in proc.stdout
    assert "Amara Okafor* — member · Africa/Lagos" in proc.stdout
    assert (tmp_path / "actionlab.db").exists()  # the embedded default store
    # A second run finds the lab again: the data is in the file, not in memory.
    again = actionlab("run", stdin=":as Amara Okafor\n/lab members\n", cwd=tmp_path)
    assert again.returncode == 0 and "Gemma Rhodes* — facilitator" in again.stdout


def test_the_demo_plays_the_lab_and_exits_0(tmp_path: Path) -> None:
    proc = actionlab("demo", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Action Lab 1 is set up" in out
    assert out.count("I accept and join") >= len(MEMBERS)
    for name, zone in MEMBERS:
        assert f"{name}* — " in out and zone in out
    assert "Did you mean `America/Sao_Paulo`" in out
    assert "made *Priya Raman* secretary" in out
    assert "6 of 6 members" in out
    assert "Something went wrong" not in out
    assert "Traceback" not in proc.stderr


def test_start_up_failures_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    unreachable = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere"}
    for args in (("migrate",), ("run",)):
        proc = actionlab(*args, cwd=tmp_path, env=unreachable)
        assert proc.returncode == 1
        assert "cannot connect" in proc.stderr and "DATABASE_URL" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_database_without_the_schema_asks_for_migrate(tmp_path: Path) -> None:
    empty = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
             "ACTIONLAB_DATABASE__MIGRATE_ON_START": "false"}
    proc = actionlab("minutes", "export", "--lab", "1", "--format", "md", "--out",
                     str(tmp_path / "m.md"), cwd=tmp_path, env=empty)
    assert proc.returncode == 1
    assert "run `actionlab migrate` first" in proc.stderr and "Traceback" not in proc.stderr
    proc = actionlab("run", stdin="/lab help\n", cwd=tmp_path, env=empty)
    assert proc.returncode == 1 and "run `actionlab migrate` first" in proc.stderr


def test_the_demo_refuses_to_replay_onto_an_existing_database(tmp_path: Path) -> None:
    old = tmp_path / "kept.db"
    old.write_bytes(b"SQLite format 3\x00")
    proc = actionlab("demo", "--db", str(old), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert "Traceback" not in proc.stderr
