"""Server settings: YAML file, GARRISON_SERVER_* variables, defaults, one-line errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from garrison.errors import ConfigError
from garrison.server.config import DEFAULT_MAX_UPLOAD, load_server_settings
from tests.conftest import REPO

FULL = """\
database_url: postgresql://garrison@db.internal/garrison
advisory_db: /var/lib/garrison/advisories.sqlite3
sync_interval: 30m
max_upload_bytes: 10MiB
teams:
  payments:
    policy: /etc/garrison/payments.yaml
    sinks:
      chat: {kind: slack, url_env: SLACK_URL}
    freshness: {max_uptime: 7d}
golden_images:
  - {name: debian:12, digest: "sha256:00", created: "2026-01-01T00:00:00Z"}
registries:
  - {url: "https://registry.example", repository: "shop/*", password_env: REG_PW}
freshness: {max_image_age: 30d, max_uptime: 14d}
"""


def test_full_file(tmp_path: Path) -> None:
    path = tmp_path / "server.yaml"
    path.write_text(FULL)
    settings = load_server_settings(path, env={})
    assert settings.database_url == "postgresql://garrison@db.internal/garrison"
    assert settings.sync_interval == timedelta(minutes=30)
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    team = settings.teams["payments"]
    assert team.policy == Path("/etc/garrison/payments.yaml")
    assert team.sinks == {"chat": {"kind": "slack", "url_env": "SLACK_URL"}}
    assert team.freshness is not None and team.freshness.max_uptime == timedelta(days=7)
    assert settings.golden_images[0].name == "debian:12"
    assert settings.registries[0].repository == "shop/*"
    assert settings.freshness.max_image_age == timedelta(days=30)


def test_defaults_and_environment(tmp_path: Path) -> None:
    settings = load_server_settings(None, env={})
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "server.db"
    )
    assert (settings.max_upload_bytes, settings.host, settings.port) == (
        DEFAULT_MAX_UPLOAD,
        "127.0.0.1",
        8080,
    )
    path = tmp_path / "server.yaml"
    path.write_text("database_url: sqlite:///from-file.db\nport: 9000\n")
    env = {"GARRISON_SERVER_CONFIG": str(path), "GARRISON_SERVER_DATABASE_URL": "sqlite:///env.db",
           "GARRISON_SERVER_MAX_UPLOAD": "1k"}  # fmt: skip
    settings = load_server_settings(None, env=env)
    assert (settings.database_url, settings.port, settings.max_upload_bytes) == (
        "sqlite:///env.db",
        9000,
        1024,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sync_interval: soon\n",
         "F: sync_interval: duration: 'soon' is not a duration like 12h, 7d or 2w"),
        ("max_upload_bytes: lots\n",
         "F: max_upload_bytes: size: 'lots' is not a size (e.g. 10MiB, 500k, 4096)"),
        ("databse_url: x\n", "F: databse_url: Extra inputs are not permitted"),
        ("teams: {a: {sinks: 3}}\n", "F: teams.a.sinks: Input should be a valid dictionary"),
        ("port: 1\nport: 2\n", "F: not valid YAML: line 2: duplicate key 'port'"),
        ("- a\n", "F: the settings must be a mapping of keys"),
    ],
)  # fmt: skip
def test_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "server.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_server_settings(path, env={})
    assert str(caught.value) == message.replace("F:", f"{path}:", 1)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read: No such file or directory"):
        load_server_settings(tmp_path / "absent.yaml", env={})


def test_the_readme_settings_example_loads(tmp_path: Path) -> None:
    """The settings shown in the README parse as they are written."""
    lines = (REPO / "README.md").read_text().splitlines()
    start = lines.index("      database_url: postgresql://garrison@db.internal/garrison")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("      freshness:"))
    example = tmp_path / "server.yaml"
    example.write_text("\n".join(line.removeprefix("      ") for line in lines[start : end + 1]))
    settings = load_server_settings(example, env={})
    assert [g.reference for g in settings.golden_images] == [
        None, "registry.internal/base/python:3.12",
    ]  # fmt: skip
    assert settings.teams["payments"].policy == Path("/etc/garrison/payments.yaml")
