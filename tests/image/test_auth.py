from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from garrison.errors import ConfigError, RegistryError
from garrison.image.auth import (
    AuthSession,
    Challenge,
    Credentials,
    docker_config_credentials,
    parse_challenges,
    resolve_credentials,
)

SECRET = "pa55:w0rd-secret"


def _config(tmp_path: Path, document: object) -> dict[str, str]:
    (tmp_path / "config.json").write_text(json.dumps(document))
    return {"DOCKER_CONFIG": str(tmp_path), "PATH": str(tmp_path / "bin")}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_auths_entry_with_base64_auth(tmp_path: Path) -> None:
    env = _config(tmp_path, {"auths": {"https://reg.example:5000": {"auth": _b64(f"me:{SECRET}")}}})
    assert docker_config_credentials("reg.example:5000", env=env) == Credentials("me", SECRET)
    assert docker_config_credentials("other.example", env=env) is None


def test_auths_entry_with_username_and_password(tmp_path: Path) -> None:
    env = _config(tmp_path, {"auths": {"ghcr.io": {"username": "me", "password": SECRET}}})
    assert docker_config_credentials("ghcr.io", env=env) == Credentials("me", SECRET)


def test_docker_hub_key_matches_docker_io(tmp_path: Path) -> None:
    env = _config(tmp_path, {"auths": {"https://index.docker.io/v1/": {"auth": _b64("hub:pw")}}})
    assert docker_config_credentials("docker.io", env=env) == Credentials("hub", "pw")
    assert docker_config_credentials("registry-1.docker.io", env=env) == Credentials("hub", "pw")


def test_home_docker_config_is_the_default(tmp_path: Path) -> None:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(
        json.dumps({"auths": {"reg.example": {"auth": _b64("u:p")}}})
    )
    creds = docker_config_credentials("reg.example", env={"HOME": str(tmp_path)})
    assert creds == Credentials("u", "p")


def test_missing_and_broken_configs(tmp_path: Path) -> None:
    notes: list[str] = []
    assert docker_config_credentials("x.example", env={"DOCKER_CONFIG": str(tmp_path)}) is None
    (tmp_path / "config.json").write_text("{not json")
    env = {"DOCKER_CONFIG": str(tmp_path)}
    assert docker_config_credentials("x.example", env=env, notes=notes) is None
    assert "cannot read the docker config" in notes[0]
    env = _config(tmp_path, {"auths": {"x.example": {"auth": "!!!not-base64"}}})
    assert docker_config_credentials("x.example", env=env, notes=notes) is None
    assert "cannot be used" in notes[-1]


def _helper(tmp_path: Path, name: str, script: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / f"docker-credential-{name}"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)


def test_credential_helper_is_run_when_on_path(tmp_path: Path) -> None:
    answer = json.dumps({"ServerURL": "reg.example", "Username": "helper", "Secret": SECRET})
    _helper(tmp_path, "test", f"read server; [ \"$server\" = reg.example ] && echo '{answer}'")
    env = _config(tmp_path, {"credHelpers": {"reg.example": "test"}, "auths": {}})
    assert docker_config_credentials("reg.example", env=env) == Credentials("helper", SECRET)


def test_creds_store_for_docker_hub_gets_the_hub_url(tmp_path: Path) -> None:
    answer = json.dumps({"Username": "hub", "Secret": "tok"})
    check = '[ "$s" = https://index.docker.io/v1/ ]'
    _helper(tmp_path, "store", f"read s; {check} && echo '{answer}'")
    env = _config(tmp_path, {"credsStore": "store"})
    assert docker_config_credentials("docker.io", env=env) == Credentials("hub", "tok")


def test_absent_helper_is_skipped_with_a_note(tmp_path: Path) -> None:
    notes: list[str] = []
    env = _config(
        tmp_path, {"credsStore": "nowhere", "auths": {"reg.example": {"auth": _b64("u:p")}}}
    )
    assert docker_config_credentials("reg.example", env=env, notes=notes) == Credentials("u", "p")
    assert notes == ["credential helper docker-credential-nowhere is not on PATH; skipped"]


def test_failing_or_odd_helpers_give_notes_without_secrets(tmp_path: Path) -> None:
    notes: list[str] = []
    _helper(tmp_path, "fails", f"echo 'credentials not found {SECRET}' >&2; exit 1")
    _helper(tmp_path, "junk", f"echo 'junk {SECRET}'")
    _helper(tmp_path, "token", 'echo \'{"Username": "<token>", "Secret": "idtok"}\'')
    for name in ("fails", "junk", "token"):
        env = _config(tmp_path, {"credHelpers": {"reg.example": name}})
        assert docker_config_credentials("reg.example", env=env, notes=notes) is None
    assert len(notes) == 3
    assert "identity token" in notes[2]
    assert not any(SECRET in note for note in notes)


def test_explicit_credentials_win(tmp_path: Path) -> None:
    env = _config(tmp_path, {"auths": {"reg.example": {"auth": _b64("u:p")}}})
    assert resolve_credentials("reg.example", "me", SECRET, env=env) == Credentials("me", SECRET)
    assert resolve_credentials("reg.example", env=env) == Credentials("u", "p")
    with pytest.raises(ConfigError):
        resolve_credentials("reg.example", "me", None, env=env)
    with pytest.raises(ConfigError):
        resolve_credentials("reg.example", None, SECRET, env=env)


def test_password_is_not_in_repr() -> None:
    assert SECRET not in repr(Credentials("me", SECRET))


def test_parse_challenges() -> None:
    header = (
        'Bearer realm="https://auth.example/token",service="registry.example",'
        'scope="repository:team/app:pull,push"'
    )
    assert parse_challenges(header) == [
        Challenge(
            "bearer",
            {
                "realm": "https://auth.example/token",
                "service": "registry.example",
                "scope": "repository:team/app:pull,push",
            },
        )
    ]
    assert parse_challenges('Basic realm="Registry Realm"') == [
        Challenge("basic", {"realm": "Registry Realm"})
    ]
    several = parse_challenges('Basic realm="a, b", Bearer realm=x , service = "y\\"z"')
    assert several == [
        Challenge("basic", {"realm": "a, b"}),
        Challenge("bearer", {"realm": "x", "service": 'y"z'}),
    ]
    assert parse_challenges("") == []
    assert parse_challenges("Basic") == [Challenge("basic", {})]


def test_auth_session_bearer_reuses_tokens_per_scope() -> None:
    asked: list[tuple[str, dict[str, str]]] = []

    def get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
        asked.append((url, headers))
        return 200, json.dumps({"access_token": f"t{len(asked)}"}).encode()

    session = AuthSession("reg.example", Credentials("me", SECRET), get, insecure=False)
    assert session.header("repository:a:pull") == {}
    challenge = Challenge("bearer", {"realm": "https://auth.example/token", "service": "svc"})
    session.challenged([challenge], "repository:a:pull")
    assert session.header("repository:a:pull") == {"Authorization": "Bearer t1"}
    assert session.header("repository:a:pull") == {"Authorization": "Bearer t1"}
    assert session.header("repository:b:pull") == {"Authorization": "Bearer t2"}
    assert asked[0][0] == "https://auth.example/token?service=svc&scope=repository%3Aa%3Apull"
    assert asked[0][1]["Authorization"] == "Basic " + _b64(f"me:{SECRET}")


def test_auth_session_refuses_plain_http_realm_with_credentials() -> None:
    session = AuthSession("reg.example", Credentials("me", SECRET), lambda u, h: (200, b""), False)
    session.challenged([Challenge("bearer", {"realm": "http://auth.example/token"})], None)
    with pytest.raises(RegistryError, match="plain HTTP") as caught:
        session.header(None)
    assert SECRET not in str(caught.value)


def test_auth_session_basic_needs_credentials_and_fails_once() -> None:
    anonymous = AuthSession("reg.example", None, lambda u, h: (500, b""), False)
    with pytest.raises(RegistryError, match="requires credentials"):
        anonymous.challenged([Challenge("basic", {})], None)
    session = AuthSession("reg.example", Credentials("me", SECRET), lambda u, h: (500, b""), False)
    session.challenged([Challenge("basic", {})], None)
    assert session.header(None)["Authorization"] == "Basic " + _b64(f"me:{SECRET}")
    with pytest.raises(RegistryError, match=r"authentication failed for reg\.example"):
        session.challenged([Challenge("basic", {})], None)
    with pytest.raises(RegistryError, match="scheme"):
        session.challenged([Challenge("negotiate", {})], None)


def test_no_helper_run_when_not_executable(tmp_path: Path) -> None:
    _helper(tmp_path, "noexec", "exit 0")
    program = tmp_path / "bin" / "docker-credential-noexec"
    program.chmod(0o644)
    notes: list[str] = []
    env = _config(tmp_path, {"credsStore": "noexec"})
    assert docker_config_credentials("reg.example", env=env, notes=notes) is None
    assert "not on PATH" in notes[0]
    assert os.access(program, os.R_OK)
