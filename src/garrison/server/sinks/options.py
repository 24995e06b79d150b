"""Reading one sink's settings (a mapping from the server's YAML) with errors that name the key.

Secrets (tokens, webhook secrets, Slack URLs) come from environment variables named in the
settings (`token_env: GITHUB_TOKEN`), so the YAML file holds none; errors name the variable,
never its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from garrison.errors import ConfigError


class Options:
    """One sink's settings; `where` (e.g. "team payments, sink gh") starts every error."""

    def __init__(self, values: Mapping[str, Any], env: Mapping[str, str], where: str) -> None:
        self.values = values
        self.env = env
        self.where = where

    def text(self, key: str, default: str | None = None) -> str:
        """A required (or defaulted) non-empty string."""
        value = self.values.get(key, default)
        if value is None:
            raise ConfigError(f"{self.where}: {key} is required")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.where}: {key} must be a non-empty string")
        return value.strip()

    def url(self, key: str, default: str | None = None) -> str:
        """An http(s) URL without a trailing slash."""
        value = self.text(key, default)
        if not value.startswith(("https://", "http://")):
            raise ConfigError(f"{self.where}: {key} must be an http(s) URL")
        return value.rstrip("/")

    def url_or_secret(self, key: str = "url", env_key: str = "url_env") -> str:
        """A URL given in the settings or, when it holds a credential, by environment variable."""
        if (key in self.values) == (env_key in self.values):
            raise ConfigError(f"{self.where}: give exactly one of {key} and {env_key}")
        if key in self.values:
            return self.url(key)
        value = self.secret(env_key)
        if not value.startswith(("https://", "http://")):
            raise ConfigError(f"{self.where}: {env_key} must name an http(s) URL")
        return value

    def labels(self, key: str = "labels") -> tuple[str, ...]:
        """A list of short strings (labels to put on created issues)."""
        value = self.values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{self.where}: {key} must be a list of strings")
        return tuple(value)

    def count(self, key: str, default: int) -> int:
        """A positive whole number."""
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{self.where}: {key} must be a positive whole number")
        return value

    def secret(self, key: str, default_env: str | None = None) -> str:
        """The value of the environment variable named by `key` (e.g. token_env)."""
        name = self.values.get(key, default_env)
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{self.where}: {key} (an environment variable name) is required")
        value = self.env.get(name, "")
        if not value.strip():
            raise ConfigError(f"{self.where}: environment variable {name} is not set")
        return value.strip()

    def only(self, *known: str) -> None:
        """Refuse keys this sink does not know (a typo must not silently drop a setting)."""
        unknown = sorted(set(self.values) - {"kind", *known})
        if unknown:
            raise ConfigError(f"{self.where}: unknown setting {unknown[0]!r}")
