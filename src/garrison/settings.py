"""Settings (frozen) and how flags and environment variables fill them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

from garrison.errors import ConfigError
from garrison.vulndb.freshness import parse_duration

DEFAULT_BASE_URL = "https://osv-vulnerabilities.storage.googleapis.com"
DEFAULT_ECOSYSTEMS = (
    "PyPI", "npm", "Go", "crates.io", "Maven", "RubyGems", "NuGet", "Packagist", "Pub",
    "Hex", "Hackage", "CRAN",
)  # fmt: skip
DEFAULT_WARN_AGE = "3d"
DEFAULT_MAX_AGE = "30d"


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    osv_base_url: str
    ecosystems: tuple[str, ...]
    db_warn_age: timedelta
    db_max_age: timedelta


def default_db_path() -> Path:
    return Path(platformdirs.user_cache_dir("garrison")) / "vulndb.sqlite3"


def load_settings(
    *,
    db: str | None = None,
    base_url: str | None = None,
    ecosystems: list[str] | None = None,
    warn_age: str | None = None,
    max_age: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Flags win over GARRISON_* environment variables, which win over defaults."""
    env = os.environ if env is None else env
    db_text = db or env.get("GARRISON_DB")
    eco_text = env.get("GARRISON_ECOSYSTEMS", "")
    chosen = ecosystems or [e.strip() for e in eco_text.split(",") if e.strip()]
    warn = parse_duration(
        warn_age or env.get("GARRISON_DB_WARN_AGE", DEFAULT_WARN_AGE), "db warn age"
    )
    hard = parse_duration(max_age or env.get("GARRISON_DB_MAX_AGE", DEFAULT_MAX_AGE), "db max age")
    if warn > hard:
        raise ConfigError("db warn age is longer than db max age")
    return Settings(
        db_path=Path(db_text).expanduser() if db_text else default_db_path(),
        osv_base_url=base_url or env.get("GARRISON_OSV_URL", DEFAULT_BASE_URL),
        ecosystems=tuple(chosen) or DEFAULT_ECOSYSTEMS,
        db_warn_age=warn,
        db_max_age=hard,
    )
