"""Settings: `config.toml` plus the environment (the environment wins), checked by pydantic.

Secrets come only from the environment (`DATABASE_URL`, `SLACK_BOT_TOKEN`,
`SLACK_SIGNING_SECRET`, `SLACK_APP_TOKEN`, `SLACK_CLIENT_SECRET`, `DISCORD_TOKEN`) and are
held as `SecretStr`, so they never show in a log or a repr. A bad setting stops start-up with
one message that names the key, the value and what is allowed (see `ConfigError`).
"""

from __future__ import annotations

import os
import re
import tomllib
from contextvars import ContextVar
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.domain.calendar import DEFAULT_ORGANIZER
from bot.domain.when import parse_clock, parse_days, parse_duration, parse_window
from bot.domain.zones import require_zone

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./actionlab.db"
DEFAULT_COMMITMENT = (
    "Action Lab discussions are confidential. I will not share what members say, the "
    "options we weigh, or how the group decides, outside the lab until the group agrees "
    "to publish. I will keep notes, exports and files from the lab private."
)

# Environment variables that hold secrets, and where they land in Settings.
SECRET_ENV = {
    "DATABASE_URL": "database_url",
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_CLIENT_SECRET": "slack_client_secret",
    "DISCORD_TOKEN": "discord_token",
}

# Plain environment variables operators expect by these names (platforms set PORT).
PLAIN_ENV = {
    "HOST": ("slack", "host"),
    "PORT": ("slack", "port"),
    "SLACK_SOCKET_MODE": ("slack", "socket_mode"),
    "SLACK_API_BASE_URL": ("slack", "api_base_url"),
    "SLACK_CLIENT_ID": ("slack", "client_id"),
    "DISCORD_API_BASE_URL": ("discord", "api_base_url"),
    "DISCORD_GATEWAY_URL": ("discord", "gateway_url"),
    "DISCORD_SYNC_COMMANDS": ("discord", "sync_commands"),
    "DISCORD_DEV_GUILD_ID": ("discord", "dev_guild_id"),
    "LOG_LEVEL": ("log", "level"),
}

# The file load_settings() is reading; a context variable because pydantic-settings builds
# its sources in a classmethod that takes no arguments of ours.
_CONFIG_FILE: ContextVar[Path | None] = ContextVar("actionlab_config_file", default=None)

class ConfigError(Exception):
    """One readable message about a bad setting; the CLI prints it and exits 2."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabDefaults(_Section):
    """Defaults for a new lab; each lab can change its own later."""

    timezone: str = "Europe/London"
    window: str = "09:00-18:00"
    days: str = "mon-fri"
    member_limit: int = Field(6, ge=1, le=500)
    commitment: str = Field(DEFAULT_COMMITMENT, min_length=1, max_length=2000)
    # How long a facilitator can restore a deleted poll or vote ("7d", "48h", ...).
    restore_within: str = "7d"

    @field_validator("restore_within")
    @classmethod
    def _restore_within(cls, v: str) -> str:
        parse_duration(v)
        return v

    @property
    def restore_period(self) -> timedelta:
        return parse_duration(self.restore_within)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        return require_zone(v)

    @field_validator("window")
    @classmethod
    def _window(cls, v: str) -> str:
        parse_window(v)
        return v

    @field_validator("days")
    @classmethod
    def _days(cls, v: str) -> str:
        parse_days(v)
        return v

    @property
    def window_times(self) -> tuple[time, time]:
        return parse_window(self.window)


class DatabaseSettings(_Section):
    echo: bool = False
    migrate_on_start: bool | None = None  # None: only on the embedded SQLite default


class LogSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.upper() if isinstance(v, str) else v


class ReminderSettings(_Section):
    misfire_grace: str = "1h"
    quiet_hours: str = "21:00-08:00"
    meeting_offsets: list[str] = Field(default_factory=lambda: ["24h", "15m"])
    deadline_nudge: str = "24h"
    retry_attempts: int = Field(3, ge=0, le=10)
    retry_backoff: str = "30s"
    sweep_every: str = "60s"
    sweep_horizon: str = "5m"

    @field_validator("misfire_grace", "deadline_nudge", "retry_backoff", "sweep_every",
                     "sweep_horizon")
    @classmethod
    def _duration(cls, v: str) -> str:
        parse_duration(v)
        return v

    @model_validator(mode="after")
    def _sweep(self) -> ReminderSettings:
        every, horizon = parse_duration(self.sweep_every), parse_duration(self.sweep_horizon)
        if every and horizon < every:
            raise ValueError(
                f"sweep_horizon ({self.sweep_horizon}) must be at least sweep_every "
                f"({self.sweep_every}), or a reminder could fall due between two sweeps "
                "and go out late; e.g. sweep_every = \"60s\", sweep_horizon = \"5m\""
            )
        return self

    @field_validator("meeting_offsets")
    @classmethod
    def _offsets(cls, v: list[str]) -> list[str]:
        for item in v:
            parse_duration(item)
        return v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        parts = v.split("-")
        if len(parts) != 2:
            raise ValueError("use HH:MM-HH:MM, e.g. 21:00-08:00")
        parse_clock(parts[0])
        parse_clock(parts[1])
        return v


class WorkSettings(_Section):
    """The inbox: acknowledged work recorded durably, run by a bounded pool of workers."""

    # Workers running acknowledged work at once; 0 sizes them to the database pool.
    workers: int = Field(0, ge=0, le=64)
    # On SIGTERM: this long to finish what was taken before stopping.
    grace: str = "25s"
    # An instance owns what it took for this long, renewed while it runs; after a crash
    # another instance (or the restarted one) takes over what it left once this runs out.
    lease: str = "30s"
    # Someone whose work waits in the queue longer than this is told it is coming.
    late_after: str = "2s"
    # Work taken over later than this after it arrived is not run: its sender is told.
    slack_window: str = "25m"
    discord_window: str = "12m"
    # A delivery that was started this many times (and cut off each time) is reported.
    max_attempts: int = Field(3, ge=1, le=20)

    @field_validator("grace", "lease", "late_after", "slack_window", "discord_window")
    @classmethod
    def _duration(cls, v: str) -> str:
        parse_duration(v)
        return v


class CalendarSettings(_Section):
    """The calendar invites (.ics) meetings are announced with."""

    # The invites' ORGANIZER, shown with the lab's name. Calendar apps match a meeting's
    # updates and cancellation to it; each meeting keeps the one it was scheduled with.
    organizer: str = DEFAULT_ORGANIZER

    @field_validator("organizer")
    @classmethod
    def _organizer(cls, v: str) -> str:
        v = v.strip()
        address = v[len("mailto:"):] if v.lower().startswith("mailto:") else v
        if not re.fullmatch(r"[^@\s:]+@[^@\s:]+\.[^@\s:]+", address):
            raise ValueError("use an e-mail address, e.g. mailto:lab@example.org (the "
                             f"default, {DEFAULT_ORGANIZER}, can never be delivered)")
        return f"mailto:{address}"


class SlackSettings(_Section):
    host: str = "0.0.0.0"
    port: int = Field(3000, ge=1, le=65535)
    socket_mode: bool = False
    api_base_url: str = "https://slack.com/api/"
    client_id: str | None = None  # set with SLACK_CLIENT_SECRET for the multi-workspace install
    scopes: list[str] = Field(
        default_factory=lambda: [
            "commands", "chat:write", "chat:write.public", "im:write", "users:read",
            "reactions:read", "channels:history", "groups:history", "files:write",
            "files:read", "channels:read", "groups:read",
        ]
    )


class DiscordSettings(_Section):
    api_base_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    sync_commands: bool = True
    dev_guild_id: int | None = None


class VoteTemplate(_Section):
    question: str = Field(min_length=1, max_length=200)
    options: list[str] = Field(min_length=2, max_length=20)


class ConsoleSettings(_Section):
    files_dir: str = "./actionlab-files"


class ApplicationSettings(_Section):
    # Declined applicants' data is deleted this many days after the decision.
    retention_days: int = Field(90, ge=1, le=3650)


class Settings(BaseSettings):
    """Everything the bot reads at start-up."""

    model_config = SettingsConfigDict(
        extra="forbid", frozen=True, env_prefix="ACTIONLAB_", env_nested_delimiter="__",
    )

    lab: LabDefaults = LabDefaults()
    database: DatabaseSettings = DatabaseSettings()
    log: LogSettings = LogSettings()
    reminders: ReminderSettings = ReminderSettings()
    calendar: CalendarSettings = CalendarSettings()
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    console: ConsoleSettings = ConsoleSettings()
    work: WorkSettings = WorkSettings()
    applications: ApplicationSettings = ApplicationSettings()
    vote_templates: dict[str, VoteTemplate] = Field(default_factory=dict)

    # Secrets: environment only (see SECRET_ENV); never in config.toml.
    database_url: SecretStr = SecretStr(DEFAULT_DATABASE_URL)
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_secret: SecretStr | None = None
    discord_token: SecretStr | None = None

    @model_validator(mode="after")
    def _socket_mode_needs_app_token(self) -> Settings:
        if self.slack.socket_mode and self.slack_app_token is None:
            raise ValueError("SLACK_SOCKET_MODE=1 needs SLACK_APP_TOKEN (an xapp- token)")
        return self

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url.get_secret_value().startswith("sqlite")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # First wins: explicit arguments, the environment variables operators know by name,
        # ACTIONLAB_SECTION__KEY variables, and last config.toml.
        sources: list[PydanticBaseSettingsSource] = [
            init_settings, _NamedEnvSource(settings_cls), env_settings,
        ]
        path = _CONFIG_FILE.get()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


class _NamedEnvSource(PydanticBaseSettingsSource):
    """The environment variables operators know by name (PORT, DATABASE_URL, ...)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for env, key in SECRET_ENV.items():
            value = os.environ.get(env)
            if value:
                out[key] = value
        for env, (section, key) in PLAIN_ENV.items():
            value = os.environ.get(env)
            if value is not None and value != "":
                out.setdefault(section, {})[key] = value
        return out


def _toml_path(path: str | Path | None) -> Path | None:
    if path is not None:
        return Path(path)
    env = os.environ.get("ACTIONLAB_CONFIG")
    if env:
        return Path(env)
    default = Path("config.toml")
    return default if default.exists() else None


def _reject_secrets(data: dict[str, Any], source: Path) -> None:
    secret_names = set(SECRET_ENV.values()) | {"token", "bot_token", "signing_secret",
                                               "app_token", "client_secret", "url"}
    for key in data:
        if key in SECRET_ENV.values():
            env = next(e for e, k in SECRET_ENV.items() if k == key)
            raise ConfigError(
                f"{source}: `{key}` is a secret and is read only from the environment; "
                f"remove it from the file and set {env} instead."
            )
    for section in ("slack", "discord", "database"):
        for key in data.get(section, {}) if isinstance(data.get(section), dict) else {}:
            if key in secret_names:
                raise ConfigError(
                    f"{source}: [{section}] {key} looks like a secret; secrets are read only "
                    f"from the environment ({', '.join(SECRET_ENV)})."
                )


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read config.toml (if any) and the environment; raise ConfigError on anything wrong."""
    toml_path = _toml_path(path)
    if toml_path is not None:
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {toml_path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{toml_path} is not valid TOML: {exc}") from exc
        _reject_secrets(data, toml_path)
    token = _CONFIG_FILE.set(toml_path)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, toml_path)) from None
    finally:
        _CONFIG_FILE.reset(token)


def describe_validation_error(exc: ValidationError, source: Path | None) -> str:
    """One message: the key, the bad value and what is allowed (secret values hidden)."""
    errors = exc.errors()
    first = errors[0]
    loc = [str(p) for p in first["loc"]]
    key = _key_name(loc)
    value = first.get("input")
    secret = bool(loc) and loc[0] in SECRET_ENV.values()
    shown = "(hidden)" if secret else repr(value) if not isinstance(value, dict) else "(a table)"
    reason = first["msg"]
    if first["type"] == "extra_forbidden":
        reason = "unknown key; see config.example.toml for the keys there are"
    elif reason.startswith("Value error, "):
        reason = reason[len("Value error, "):]
    env = _environment_name(loc)
    where = f" (from the environment variable {env})" if env else \
        f" (in {source})" if source else ""
    if not loc:
        return f"config error{where}: {reason}"
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" \
        if len(errors) > 1 else ""
    if first["type"] == "missing":
        return f"config error{where}: {key} is missing; config.example.toml shows it{more}"
    return f"config error{where}: {key} = {shown} is not allowed: {reason}{more}"


def _environment_name(loc: list[str]) -> str | None:
    """The variable a bad value came from, when it came from the environment."""
    if not loc:
        return None
    if loc[0] in SECRET_ENV.values():
        name = next(e for e, k in SECRET_ENV.items() if k == loc[0])
        return name if os.environ.get(name) else None
    for name, path in PLAIN_ENV.items():
        if list(path) == loc[:2] and os.environ.get(name):
            return name
    prefixed = "ACTIONLAB_" + "__".join(part.upper() for part in loc)
    return prefixed if prefixed in os.environ else None


def _key_name(loc: list[str]) -> str:
    if not loc:
        return "(settings)"
    if loc[0] in SECRET_ENV.values():
        return next(e for e, k in SECRET_ENV.items() if k == loc[0])
    if len(loc) == 1:
        return loc[0]
    return f"[{loc[0]}] {'.'.join(loc[1:])}"
