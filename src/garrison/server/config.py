"""The server's settings: a YAML file (`garrison serve --config FILE`) and GARRISON_SERVER_*
environment variables (which win over the file) over defaults.

Durations are written like "30d", "12h", "15m"; sizes like "50MiB". Unknown keys are refused,
and every error names the file and the key path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import platformdirs
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from garrison.errors import ConfigError
from garrison.settings import DEFAULT_BASE_URL, DEFAULT_ECOSYSTEMS
from garrison.sizes import parse_size
from garrison.vulndb.freshness import parse_duration
from garrison.yamlsafe import StrictLoader

ENV_PREFIX = "GARRISON_SERVER_"
CONFIG_ENV = "GARRISON_SERVER_CONFIG"
DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024


def _duration(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_duration(value, "duration")
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
    return value


def _size(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_size(value, "size")
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
Size = Annotated[int, BeforeValidator(_size), Field(gt=0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FreshnessLimits(_Frozen):
    """Limits that turn stale artifacts and deployments into findings (None: no limit)."""

    max_image_age: Duration | None = None
    max_base_age: Duration | None = None
    max_uptime: Duration | None = None
    behind_golden: bool = True  # a base image older than its golden image is a finding


class TeamSettings(_Frozen):
    """A team: its policy file (garrison.yaml) and its sinks (name → config with `kind`).

    Sink configs are validated by garrison.server.sinks; secrets in them are named by
    environment variable, never written in the file.
    """

    policy: Path | None = None
    sinks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    freshness: FreshnessLimits | None = None  # overrides the server-wide limits


class GoldenImageSettings(_Frozen):
    """An approved base image by the name artifacts give their base (`name`). Its current
    digest is given here (or by `POST /api/v1/golden-images`), or followed: with `reference`
    (an image reference such as registry.internal/base/debian:12) the golden-image job reads
    the tag's digest and build time from the registry on every poll."""

    name: str = Field(min_length=1)
    digest: str | None = None
    created: str | None = None
    diff_ids: tuple[str, ...] = ()
    reference: str | None = None
    insecure: bool = False  # plain HTTP / unverified TLS for `reference`'s registry


class RegistrySettings(_Frozen):
    """An OCI registry the server watches; `repository` is a glob over repository names."""

    url: str = Field(min_length=1)
    repository: str = "*"
    insecure: bool = False
    username: str | None = None
    password_env: str | None = None  # the environment variable holding the password
    team: str | None = None  # owner of the images found there


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("garrison"))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'server.db'}"


class ServerSettings(_Frozen):
    database_url: str = Field(default_factory=default_database_url, min_length=1)
    advisory_db: Path = Field(default_factory=lambda: default_data_dir() / "advisories.sqlite3")
    osv_base_url: str = DEFAULT_BASE_URL
    osv_ecosystems: tuple[str, ...] = DEFAULT_ECOSYSTEMS
    sync_interval: Duration | None = timedelta(hours=1)  # None: only on demand
    registry_poll_interval: Duration | None = timedelta(hours=1)
    delivery_interval: Duration = timedelta(seconds=30)
    max_upload_bytes: Size = DEFAULT_MAX_UPLOAD
    teams: dict[str, TeamSettings] = Field(default_factory=dict)
    golden_images: tuple[GoldenImageSettings, ...] = ()
    registries: tuple[RegistrySettings, ...] = ()
    freshness: FreshnessLimits = FreshnessLimits()
    public_url: str | None = None  # the server's URL as users reach it (links in issues)
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    background: bool = True  # run scheduled work (sync, polling, delivery) in the server


_ENV_KEYS = {
    "DATABASE_URL": "database_url",
    "ADVISORY_DB": "advisory_db",
    "OSV_URL": "osv_base_url",
    "PUBLIC_URL": "public_url",
    "SYNC_INTERVAL": "sync_interval",
    "MAX_UPLOAD": "max_upload_bytes",
    "HOST": "host",
    "PORT": "port",
}


def load_server_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None
) -> ServerSettings:
    """Settings from FILE (or $GARRISON_SERVER_CONFIG, or none) and GARRISON_SERVER_* vars."""
    env = os.environ if env is None else env
    chosen = path or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    data: dict[str, Any] = _read_yaml(chosen) if chosen else {}
    for suffix, key in _ENV_KEYS.items():
        value = env.get(ENV_PREFIX + suffix)
        if value:
            data[key] = value
    return settings_from(data, str(chosen) if chosen else "settings")


def settings_from(data: Mapping[str, Any], source: str) -> ServerSettings:
    try:
        return ServerSettings.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise ConfigError(f"{source}: {where}: {_message(first)}") from None


def _message(error: Mapping[str, Any]) -> str:
    context = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    return str(error.get("msg", "invalid value"))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the settings must be a mapping of keys")
    return data
