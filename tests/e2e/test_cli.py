"""The `actionlab` command as a newcomer runs it: piped console input and the demo; and as an
operator runs it: `actionlab export`, a lab's whole record."""

from __future__ import annotations

import asyncio
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from bot.config import Settings
from bot.demo.lab import MEMBERS
from tests.conftest import Console
from tests.e2e.test_archive import a_lab_with_a_record


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


async def test_export_writes_the_record_the_archive_sends(lab: Console, settings: Settings,
                                                          tmp_path: Path) -> None:
    """`actionlab export` writes the lab's record, archived or not: the same files as the
    zip `/lab archive` sends, readable by its owner only."""
    await a_lab_with_a_record(lab)
    env = {"DATABASE_URL": settings.database_url.get_secret_value()}

    def export(*args: str) -> subprocess.CompletedProcess[str]:
        return actionlab("export", *args, cwd=tmp_path, env=env)

    before = tmp_path / "before.zip"
    proc = await asyncio.to_thread(export, "--lab", "Action Lab 1", "--out", str(before))
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {before}" in proc.stdout
    assert stat.S_IMODE(before.stat().st_mode) == 0o600
    page = zipfile.ZipFile(before).read("index.html").decode()
    assert "Not archived: this is the record as it stood." in page

    await lab("Gemma Rhodes", "/lab archive")
    out = await lab.press("Gemma Rhodes", "Archive anyway")  # poll #1 is still open
    (sent,) = re.findall(r"\[file\] (\S+\.zip)", out)
    folder = tmp_path / "records"
    folder.mkdir()
    proc = await asyncio.to_thread(export, "--lab", "1", "--out", str(folder))
    assert proc.returncode == 0, proc.stderr
    (written,) = folder.iterdir()
    assert re.fullmatch(r"action-lab-1-record-\d{4}-\d\d-\d\d\.zip", written.name)
    names = zipfile.ZipFile(written).namelist()
    assert names == zipfile.ZipFile(sent).namelist()
    assert names == zipfile.ZipFile(before).namelist()
    assert "Archived on Mon 04 Jan 2027" in zipfile.ZipFile(written).read("index.html").decode()

    proc = await asyncio.to_thread(export, "--lab", "Nope", "--out", str(folder))
    assert proc.returncode == 1
    assert "There is no lab `Nope`. Labs: 1 (Action Lab 1)." in proc.stderr
    assert "Traceback" not in proc.stderr
