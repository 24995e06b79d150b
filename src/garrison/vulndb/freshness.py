"""How old the database may be before a scan warns, and before it refuses (pure logic)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from garrison.errors import ConfigError, StaleDatabaseError

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str, setting: str) -> timedelta:
    """'36h', '7d', '2w' -> timedelta; anything else is a ConfigError naming the setting."""
    match = _DURATION.match(text)
    if not match:
        raise ConfigError(f"{setting}: {text!r} is not a duration like 12h, 7d or 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def describe(age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    return f"{hours // 24}d {hours % 24}h" if hours >= 24 else f"{hours}h"


def check_age(
    updated_at: datetime | None, now: datetime, warn_after: timedelta, fail_after: timedelta
) -> str | None:
    """A warning text if the database is getting old; StaleDatabaseError past the hard limit."""
    if updated_at is None:
        raise StaleDatabaseError("the vulnerability database has no update time; re-import it")
    age = now - updated_at
    if age > fail_after:
        raise StaleDatabaseError(
            f"the vulnerability database is {describe(age)} old, past the limit of "
            f"{describe(fail_after)}; run 'garrison db update' (or raise --db-max-age)"
        )
    if age > warn_after:
        return (
            f"the vulnerability database is {describe(age)} old (warning after "
            f"{describe(warn_after)}); run 'garrison db update'"
        )
    return None
