"""`actionlab minutes export --lang` and `actionlab demo --lang`, as a person runs them."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import actionlab


def test_minutes_export_is_in_the_labs_language_unless_lang_says(tmp_path: Path) -> None:
    script = "\n".join([
        ":as Gemma Rhodes",
        '/lab setup "Action Lab 1"',
        "/lab settings lang fr",
        '/lab minutes start "Kick-off"',
        "/lab note We met",
    ]) + "\n"
    assert actionlab("run", stdin=script, cwd=tmp_path).returncode == 0
    lab = ("minutes", "export", "--lab", "1", "--format", "md")
    proc = actionlab(*lab, "--out", str(tmp_path / "fr.md"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "# Compte rendu : Kick-off" in (tmp_path / "fr.md").read_text()
    proc = actionlab(*lab, "--lang", "pt-BR", "--out", str(tmp_path / "pt.md"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "# Ata: Kick-off" in (tmp_path / "pt.md").read_text()
    proc = actionlab(*lab, "--lang", "klingon", "--out", str(tmp_path / "x.md"), cwd=tmp_path)
    assert proc.returncode == 1 and "unknown language 'klingon'" in proc.stderr
    assert "pt_BR" in proc.stderr and not (tmp_path / "x.md").exists()


def test_the_demo_refuses_an_unknown_language(tmp_path: Path) -> None:
    proc = actionlab("demo", "--lang", "klingon", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 1
    assert "unknown language 'klingon'" in proc.stderr and "Traceback" not in proc.stderr
