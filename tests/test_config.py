"""config.toml plus the environment; secrets only from the environment; clear errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import run_cli
from bot.config import ConfigError, load_settings


def write(tmp_path: Path, text: str, name: str = "settings.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    s = load_settings(None)
    assert s.lab.timezone == "Europe/London"
    assert s.lab.window == "09:00-18:00"
    assert s.lab.member_limit == 6
    assert s.database_url.get_secret_value() == "sqlite+aiosqlite:///./actionlab.db"
    assert s.slack.port == 3000


def test_the_environment_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[lab]\nmember_limit = 8\ntimezone = "Africa/Lagos"\n'
                           '[slack]\nport = 4000\n')
    assert load_settings(path).slack.port == 4000
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.setenv("ACTIONLAB_LAB__MEMBER_LIMIT", "9")
    s = load_settings(path)
    assert s.slack.port == 5000
    assert s.lab.member_limit == 9
    assert s.lab.timezone == "Africa/Lagos"


def test_config_toml_in_the_working_directory_is_read(tmp_path: Path) -> None:
    write(tmp_path, '[lab]\nwindow = "10:00-17:00"\n', name="config.toml")
    assert load_settings(None).lab.window == "10:00-17:00"


def test_secrets_come_only_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        load_settings(write(tmp_path, 'slack_bot_token = "xoxb-1"\n'))
    with pytest.raises(ConfigError, match="secret"):
        load_settings(write(tmp_path, '[discord]\ntoken = "abc"\n'))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:pw@db/x")
    s = load_settings(None)
    assert s.slack_bot_token is not None
    assert s.slack_bot_token.get_secret_value() == "xoxb-secret-value"
    assert "xoxb-secret-value" not in repr(s) and "pw@" not in repr(s)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[lab]\ntimezone = "Europe/Berln"\n',
         "[lab] timezone = 'Europe/Berln' is not allowed: `Europe/Berln` is not a time zone "
         "I know. Did you mean `Europe/Berlin`"),
        ('[lab]\nmember_limit = 0\n',
         "[lab] member_limit = 0 is not allowed: Input should be greater than or equal to 1"),
        ('[lab]\nwindow = "18:00-09:00"\n',
         "[lab] window = '18:00-09:00' is not allowed: The window 18:00-09:00 ends before"),
        ('[slack]\nport = "web"\n', "[slack] port = 'web' is not allowed"),
        ('[lab]\ncolour = "blue"\n', "[lab] colour = 'blue' is not allowed: unknown key"),
        ('[reminders]\nmisfire_grace = "soon"\n',
         "[reminders] misfire_grace = 'soon' is not allowed: 'soon' is not a duration"),
    ],
)
def test_a_bad_value_is_named_with_what_is_allowed(
    tmp_path: Path, toml: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, toml))
    assert expected in str(err.value)


def test_bad_config_stops_start_up_with_exit_2_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[lab]\ntimezone = "Europe/Berln"\n')
    assert run_cli(["--config", str(path), "migrate"]) == 2
    err = capsys.readouterr().err
    assert "Europe/Berln" in err and "Europe/Berlin" in err
    assert "Traceback" not in err


def test_an_unusable_database_url_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    assert run_cli(["migrate"]) == 2
    err = capsys.readouterr().err
    assert "DATABASE_URL" in err and "postgresql+asyncpg" in err and "Traceback" not in err


def test_broken_toml_exits_2_from_the_real_command(tmp_path: Path) -> None:
    path = write(tmp_path, "[lab\n")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path), "migrate"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "not valid TOML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_example_config_is_valid_and_ships_the_action_lab_template() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    s = load_settings(example)
    assert s.lab.member_limit == 6
    assert s.calendar.organizer == "mailto:noreply@actionlab.invalid"
    template = s.vote_templates["action-lab-1"]
    assert len(template.options) == 5


def test_debug_logging_keeps_confidential_sql_parameters_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    from bot.cli import configure_logging

    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    try:
        configure_logging(load_settings(None))
        assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
        assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)
        assert logging.getLogger("bot.router").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_run_without_flags_picks_the_platforms_that_have_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli import platforms_to_run

    def pick(**flags: bool) -> tuple[bool, bool, bool]:
        base = {"slack": False, "discord": False, "console": False, **flags}
        return platforms_to_run(load_settings(None), **base)

    assert pick() == (False, False, True)  # nothing configured: the console
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    assert pick() == (False, True, False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert pick() == (True, True, False)
    assert pick(console=True) == (False, False, True)  # an explicit flag wins


def test_a_bad_environment_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "abc")
    with pytest.raises(ConfigError) as err:
        load_settings(None)
    assert "from the environment variable PORT" in str(err.value)
    monkeypatch.delenv("PORT")
    monkeypatch.setenv("ACTIONLAB_LAB__MEMBER_LIMIT", "0")
    with pytest.raises(ConfigError) as err:
        load_settings(None)
    assert "ACTIONLAB_LAB__MEMBER_LIMIT" in str(err.value)


def test_a_template_without_a_question_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[vote_templates.x]\noptions = ["a", "b"]\n'))
    assert "[vote_templates] x.question is missing" in str(err.value)


def test_the_calendar_organizer_is_a_mailto_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(None).calendar.organizer == "mailto:noreply@actionlab.invalid"
    path = write(tmp_path, '[calendar]\norganizer = "labs@example.org"\n')
    assert load_settings(path).calendar.organizer == "mailto:labs@example.org"
    monkeypatch.setenv("ACTIONLAB_CALENDAR__ORGANIZER", "MAILTO:lab-1@example.org")
    assert load_settings(path).calendar.organizer == "mailto:lab-1@example.org"
    monkeypatch.delenv("ACTIONLAB_CALENDAR__ORGANIZER")
    for bad in ("the lab", "https://example.org/lab", "mailto:a@b@c.org"):
        with pytest.raises(ConfigError, match=r"\[calendar\] organizer = .* is not allowed: "
                                              "use an e-mail address, e.g. mailto:"):
            load_settings(write(tmp_path, f'[calendar]\norganizer = "{bad}"\n'))


def test_restore_within_is_a_duration_with_a_default_of_seven_days(tmp_path: Path) -> None:
    assert load_settings(None).lab.restore_period == timedelta(days=7)
    assert load_settings(write(tmp_path, '[lab]\nrestore_within = "48h"\n')
                         ).lab.restore_period == timedelta(hours=48)
    with pytest.raises(ConfigError, match="restore_within"):
        load_settings(write(tmp_path, '[lab]\nrestore_within = "a week"\n'))
