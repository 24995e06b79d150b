"""Registry credentials, WWW-Authenticate challenges, and the auth session.

Credentials come from explicit flags, else from the docker config (`$DOCKER_CONFIG` or
`~/.docker/config.json`): a credential helper for the host (`credHelpers`, then
`credsStore`) when its `docker-credential-NAME` program is on PATH, else `auths.HOST`
(`auth` = base64 "user:pass", or `username`/`password`). What could not be used is told as
a note (never with a secret in it); then the pull goes on anonymously.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from garrison.errors import ConfigError, RegistryError
from garrison.image.reference import DOCKER_HUB, normalize_host

_HUB_CONFIG_KEY = "https://index.docker.io/v1/"
_HELPER_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password (or token); the password never shows in repr."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Challenge:
    """One WWW-Authenticate challenge: the scheme in lower case and its parameters."""

    scheme: str
    params: Mapping[str, str]


def resolve_credentials(
    host: str,
    username: str | None = None,
    password: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> Credentials | None:
    """The credentials to use for `host`: the explicit ones, else the docker config's."""
    if username is not None or password is not None:
        if not username or password is None:
            raise ConfigError("registry credentials need both a username and a password")
        return Credentials(username, password)
    return docker_config_credentials(host, env=env, notes=notes)


def docker_config_credentials(
    host: str, *, env: Mapping[str, str] | None = None, notes: list[str] | None = None
) -> Credentials | None:
    """What the docker config holds for `host`, or None (with a note when unusable)."""
    env = os.environ if env is None else env
    path = _config_dir(env) / "config.json"
    config = _load_config(path, notes)
    if config is None:
        return None
    host = normalize_host(host)
    helper = _helper_for(config, host)
    if helper:
        creds = _from_helper(helper, host, env, notes)
        if creds is not None:
            return creds
    return _from_auths(config.get("auths"), host, path, notes)


def parse_challenges(header: str) -> list[Challenge]:
    """Parse one WWW-Authenticate value (which may hold several challenges).

    `Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"` gives
    Challenge("bearer", {"realm": ..., "service": ..., "scope": ...}).
    """
    challenges: list[tuple[str, dict[str, str]]] = []
    for item in _ITEM.findall(header):
        item = item.strip()
        scheme = _SCHEME.match(item)
        if scheme:
            challenges.append((scheme.group(1).lower(), {}))
            item = item[scheme.end() :].strip()
        param = _PARAM.fullmatch(item)
        if param and challenges:
            challenges[-1][1][param.group(1).lower()] = _unquote(param.group(2))
    return [Challenge(scheme, params) for scheme, params in challenges]


_ITEM = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')
_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
_SCHEME = re.compile(rf"({_TOKEN})(?=\s+[^\s=]|\s*$)")
_PARAM = re.compile(rf'({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]*)')


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _config_dir(env: Mapping[str, str]) -> Path:
    if env.get("DOCKER_CONFIG"):
        return Path(env["DOCKER_CONFIG"]).expanduser()
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".docker"


def _load_config(path: Path, notes: list[str] | None) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _note(notes, f"{path}: cannot read the docker config ({type(exc).__name__}); ignored")
        return None
    if not isinstance(data, dict):
        _note(notes, f"{path}: the docker config is not a JSON object; ignored")
        return None
    return data


def _helper_for(config: Mapping[str, Any], host: str) -> str | None:
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key, name in helpers.items():
            if isinstance(name, str) and name and normalize_host(key) == host:
                return name
    store = config.get("credsStore")
    return store if isinstance(store, str) and store else None


def _from_helper(
    name: str, host: str, env: Mapping[str, str], notes: list[str] | None
) -> Credentials | None:
    program = f"docker-credential-{name}"
    found = shutil.which(program, path=env.get("PATH"))
    if found is None:
        _note(notes, f"credential helper {program} is not on PATH; skipped")
        return None
    server = _HUB_CONFIG_KEY if host == DOCKER_HUB else host
    try:
        done = subprocess.run(
            [found, "get"], input=server, capture_output=True, text=True,
            timeout=_HELPER_TIMEOUT, check=False, env=dict(env),
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        _note(notes, f"credential helper {program} failed ({type(exc).__name__}); skipped")
        return None
    if done.returncode != 0:
        _note(notes, f"credential helper {program} has no credentials for {host}")
        return None
    return _helper_answer(done.stdout, program, notes)


def _helper_answer(text: str, program: str, notes: list[str] | None) -> Credentials | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        _note(notes, f"credential helper {program} answered something unreadable; skipped")
        return None
    user, secret = data.get("Username"), data.get("Secret")
    if not isinstance(user, str) or not isinstance(secret, str) or not secret:
        _note(notes, f"credential helper {program} answered no usable credentials; skipped")
        return None
    if user == "<token>":
        _note(notes, f"credential helper {program} holds an identity token (unsupported)")
        return None
    return Credentials(user, secret)


def _from_auths(
    auths: object, host: str, path: Path, notes: list[str] | None
) -> Credentials | None:
    if not isinstance(auths, dict):
        return None
    for key, entry in auths.items():
        if isinstance(entry, dict) and normalize_host(str(key)) == host:
            creds = _decode_entry(entry)
            if creds is None and (entry.get("auth") or entry.get("identitytoken")):
                _note(notes, f"{path}: the entry for {host} cannot be used; skipped")
            if creds is not None:
                return creds
    return None


def _decode_entry(entry: Mapping[str, Any]) -> Credentials | None:
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            text = base64.b64decode(auth, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, sep, password = text.partition(":")
        return Credentials(user, password) if sep and user else None
    name, secret = entry.get("username"), entry.get("password")
    if isinstance(name, str) and name and isinstance(secret, str):
        return Credentials(name, secret)
    return None


def _note(notes: list[str] | None, text: str) -> None:
    if notes is not None:
        notes.append(text)


# (url, headers) -> (status, body): one GET to a token service, done by the registry client.
TokenGetter = Callable[[str, dict[str, str]], tuple[int, bytes]]


class AuthSession:
    """What to send a registry: nothing, Basic, or a Bearer token per scope (reused).

    Starts anonymous; `challenged` learns the scheme from a 401 and says whether a retry
    can help; `header(scope)` fetches a token for a new scope through `get`.
    """

    def __init__(self, host: str, creds: Credentials | None, get: TokenGetter, insecure: bool):
        self.host = host
        self._creds = creds
        self._get = get
        self._insecure = insecure
        self._bearer: Challenge | None = None
        self._basic = False
        self._tokens: dict[str, str] = {}

    @property
    def anonymous(self) -> bool:
        return self._creds is None

    def header(self, scope: str | None) -> dict[str, str]:
        if self._bearer is not None:
            key = scope or ""
            if key not in self._tokens:
                self._tokens[key] = self._fetch_token(self._bearer, scope)
            return {"Authorization": f"Bearer {self._tokens[key]}"}
        if self._basic and self._creds is not None:
            return {"Authorization": _basic(self._creds)}
        return {}

    def challenged(self, challenges: list[Challenge], scope: str | None) -> None:
        """Learn from a 401; RegistryError when no retry can succeed."""
        bearer = next(
            (c for c in challenges if c.scheme == "bearer" and c.params.get("realm")), None
        )
        if bearer is not None:
            self._bearer = bearer
            self._tokens.pop(scope or "", None)
            return
        if not any(c.scheme == "basic" for c in challenges):
            raise RegistryError(f"{self.host} asks for an authentication scheme garrison lacks")
        if self._creds is None:
            raise RegistryError(
                f"{self.host} requires credentials (docker login, or a username and password)"
            )
        if self._basic:
            raise RegistryError(f"authentication failed for {self.host}")
        self._basic = True

    def _fetch_token(self, challenge: Challenge, scope: str | None) -> str:
        realm = challenge.params["realm"]
        if not realm.startswith(("https://", "http://")):
            raise RegistryError(f"{self.host}: the token realm is not an HTTP(S) URL")
        if realm.startswith("http://") and not self._insecure and self._creds is not None:
            raise RegistryError(f"{self.host}: refusing to send credentials over plain HTTP")
        query = {k: v for k, v in challenge.params.items() if k == "service"}
        if scope or challenge.params.get("scope"):
            query["scope"] = scope or challenge.params["scope"]
        url = realm + ("&" if "?" in realm else "?") + urlencode(query) if query else realm
        headers = {"Authorization": _basic(self._creds)} if self._creds else {}
        status, body = self._get(url, headers)
        if status in (401, 403):
            raise RegistryError(f"authentication failed for {self.host}")
        if status != 200:
            raise RegistryError(f"{self.host}: the token service answered HTTP {status}")
        return _token_of(body, self.host)


def _token_of(body: bytes, host: str) -> str:
    try:
        answer = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        answer = None
    token: object = None
    if isinstance(answer, dict):
        token = answer.get("token") or answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise RegistryError(f"{host}: the token service answered no token")
    return token


def _basic(creds: Credentials) -> str:
    raw = f"{creds.username}:{creds.password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")
