"""The generic detector: a random-looking value assigned to a name that says it is secret.

Forms: `name = value`, `name: value`, `name := value`, `name => value`, `"name": "value"`,
`export NAME=value`, `--name=value`, XML attributes and `<name>value</name>` elements,
`<add key="name" value="...">`, and Kubernetes' `- name: NAME` / `value: ...` pairs.

A candidate passes three tests: the NAME (split into words: `dbPassword` → db, password) has a
secret word and does not end in a word that names something else (`password_file`,
`token_url`, `secret_name`); the VALUE is no stand-in, reference, code, hash, UUID, path,
URL, number or identifier; and it is random enough for its length (entropy.looks_random).
"""

from __future__ import annotations

import base64
import binascii
import re

from garrison.model import Severity
from garrison.secrets import decoys
from garrison.secrets.detectors.base import Candidate, Detector, file_name
from garrison.secrets.detectors.vcs import forged
from garrison.secrets.entropy import looks_random

# A value's characters: up to a space, a quote, a tag or a separator. A bare (unquoted) value
# does not open a structure (`key: [{...}]` is YAML flow or HCL, not a value) and does not end
# in the brackets that close one around it (`{env: [TOKEN=value]}`).
CHAR = r"[^\s\"'`<>,;]"
BARE_FIRST = r"[^\s\"'`<>,;\[{]"
BARE_LAST = r"[^\s\"'`<>,;)\]}]"
# Matched at the start of a name (the detector is anchored): the name, then one of the
# forms below, then the value. The text before the name is checked in `form_ok`.
PATTERN = re.compile(
    r"(?P<name>[\w.\-]{1,80})"
    r"(?:(?P<tag>>)"  # <name>value</name>
    r"|(?P<attr>[\"'][ \t]+value=)"  # <add key="name" value="...">
    r"|(?P<env>[\"']?[ \t]*\r?\n[ \t]*(?:-[ \t]*)?value:[ \t]*)"  # - name: NAME / value: ...
    r"|[\"']?[ \t]*(?::=|=>|=(?!=)|:(?!:))[ \t]*)"  # name = value, name: value, "name": ...
    r"(?P<q>[\"'`])?(?:(?i:bearer|basic|token)[ \t]+)?"
    rf"(?P<secret>(?(q){CHAR}{{1,400}}|{BARE_FIRST}(?:{CHAR}{{0,398}}{BARE_LAST})?))"
    r"(?(q)(?P=q)|(?=[\s,;<)\]}\"']|$))"
)
BEFORE_TAG = re.compile(r"<\Z")
BEFORE_ATTR = re.compile(r"key=[\"']\Z")
BEFORE_ENV = re.compile(r"name:[ \t]*[\"']?\Z")
SECRET_WORDS = frozenset(
    {"apikey", "auth", "authorization", "bearer", "credential", "credentials", "pass",
     "passphrase", "passwd", "password", "psk", "pwd", "secret", "token"}
)  # fmt: skip
SECRET_ENDINGS = (
    "password", "passwd", "secret", "token", "apikey", "accesskey", "privatekey", "secretkey",
    "authkey"
)  # fmt: skip
SECRET_COMPOUNDS = (
    "apikey", "accesskey", "privatekey", "signingkey", "encryptionkey", "masterkey", "authkey",
    "clientsecret"
)  # fmt: skip
NOT_SECRET_LAST = frozenset(
    {"age", "alg", "algorithm", "arn", "attribute", "bucket", "button", "check", "checksum",
     "class", "client", "column", "config", "confirm", "confirmation", "cost", "count",
     "description", "digest", "dir", "duration", "email", "enable", "enabled", "endpoint", "env",
     "error", "expiration", "expires", "expiry", "factory", "field", "file", "files",
     "fingerprint", "form", "format", "generator", "handler", "hash", "header", "help", "hint",
     "host", "icon", "id", "ids", "index", "input", "iterations", "iv", "keyid", "kind", "label",
     "len", "length", "level", "lifetime", "limit", "link", "location", "login", "manager", "max",
     "message", "method", "min", "mode", "mount", "msg", "name", "names", "nonce", "option",
     "options", "page", "param", "parameter", "path", "pattern", "placeholder", "policy", "prefix",
     "prompt", "provider", "ref", "regex", "region", "required", "reset", "rounds", "rule",
     "rules", "salt", "schema", "scope", "scopes", "service", "settings", "size", "source",
     "state", "status", "store", "strength", "suffix", "table", "template", "test", "tests",
     "text", "timeout", "title", "ttl", "type", "uri", "url", "usage", "use", "user", "username",
     "uses", "validation", "validator", "var", "version", "view"}
)  # fmt: skip
NOT_SECRET_ANY = frozenset(
    {"cancel", "cancellation", "continuation", "csrf", "dummy", "example", "fake", "mock",
     "next", "page", "pagination", "placeholder", "public", "refresh_url", "sample", "sync",
     "xsrf"}
)  # fmt: skip
IDENTITY = frozenset(
    {"account", "email", "login", "principal", "user", "userid", "username"}
)  # fmt: skip
CODE_SUFFIXES = frozenset(
    {".adoc", ".c", ".cc", ".cjs", ".clj", ".cpp", ".cs", ".dart", ".erl", ".ex", ".exs", ".fs",
     ".go", ".gradle", ".groovy", ".h", ".hpp", ".hs", ".htm", ".html", ".java", ".js", ".jsx",
     ".kt", ".kts", ".lua", ".m", ".md", ".mjs", ".php", ".pl", ".py", ".pyi", ".r", ".rb", ".rs",
     ".rst", ".scala", ".svelte", ".swift", ".ts", ".tsx", ".txt", ".vb", ".vue"}
)  # fmt: skip
ENV_NAMES = (".env", ".envrc", ".netrc", ".pgpass", ".npmrc", ".pypirc", ".htpasswd")
WORDLIKE = re.compile(
    r"[a-z]+(?:[-_.][a-z0-9]+)*|[A-Z]+(?:_[A-Z0-9]+)+|[a-z]{2,}(?:[A-Z][a-z]{2,})+|"
    r"[A-Z][a-z]+(?:[A-Z][a-z]+)+|[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*"
)
NOT_A_VALUE = re.compile(
    r"^(?:[+-]?\d[\d_.,:\-]*|v?\d+(?:\.\d+)+\S*|true|false|null|none|nil|undefined|"
    r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|(?:~|\.{1,2})?(?:/[\w.\-]+)+/?|[A-Za-z]:\\.*)$",
    re.IGNORECASE,
)
# Human-chosen demo values: a word and a few digits (`minio123`, `Passw0rd1!` is not one), or
# letters only (`IAmSensitive`, `nvapi-NVKEY`). Random secrets almost always mix in digits.
HUMAN = re.compile(r"(?:[a-z]{2,12}|[A-Z][a-z]{1,11}|[A-Z]{2,12})[-_.]?\d{1,4}[!@#$%*?.]?")
LETTERS = re.compile(r"[A-Za-z]+(?:[-_. ][A-Za-z]+)*")
LETTERS_UNDER = 20
EDGE_PUNCTUATION = "!?#*~_.-"
PUBLIC_CONTEXT = re.compile(r"badge|shields\.io", re.IGNORECASE)
CAMEL = re.compile(r"([a-z0-9])([A-Z])")
SPLIT = re.compile(r"[^a-z0-9]+")
MIN_LENGTH = 8
MAX_LENGTH = 200


def words(name: str) -> list[str]:
    """A name split into lowercase words: `dbPassword` → [db, password]."""
    return [part for part in SPLIT.split(CAMEL.sub(r"\1 \2", name).lower()) if part]


def secret_name(name: str) -> bool:
    """Whether a name says its value is a secret (and not a file, URL, name... of one)."""
    parts = words(name)
    if not parts or parts[-1] in NOT_SECRET_LAST or NOT_SECRET_ANY.intersection(parts):
        return False
    secret_at = [i for i, part in enumerate(parts) if _secret_word(part)]
    if secret_at:  # `auth.username` names a user, not a secret
        return not IDENTITY.intersection(parts[secret_at[-1] + 1 :])
    joined = "".join(parts)
    return any(compound in joined for compound in SECRET_COMPOUNDS)


def _secret_word(part: str) -> bool:
    return part in SECRET_WORDS or part.endswith(SECRET_ENDINGS)


def env_file(path: str) -> bool:
    name = file_name(path)
    return name.startswith(ENV_NAMES) or name.endswith(".env")


def code_file(path: str) -> bool:
    name = file_name(path)
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in CODE_SUFFIXES


def plain_value(value: str, context: str) -> bool:
    """Not a stand-in, reference, hash, UUID, key, URL, path, number or identifier."""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH or "://" in value:
        return False
    if decoys.is_weak_placeholder(value) or decoys.is_template(value) or forged(value):
        return False
    if decoys.is_hash(value, context) or decoys.is_uuid(value) or decoys.is_public_key(value):
        return False
    if NOT_A_VALUE.match(value) or human(value) or PUBLIC_CONTEXT.search(context):
        return False
    return not decoded_placeholder(value)


def human(value: str) -> bool:
    """An identifier, a word with a few digits, or letters only: chosen, not generated.
    Punctuation around it does not count: `!!!not-base64` (a marked invalid value) and
    `github_pat_` (a token prefix alone, without its token) are identifiers too."""
    value = value.strip(EDGE_PUNCTUATION)
    if WORDLIKE.fullmatch(value) or HUMAN.fullmatch(value):
        return True
    return len(value) < LETTERS_UNDER and LETTERS.fullmatch(value) is not None


def decoded_placeholder(value: str) -> bool:
    """A base64 value (a Kubernetes Secret's data) whose decoded text is a stand-in."""
    if len(value) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", value):
        return False
    try:
        text = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return False
    if not text.isprintable():
        return False
    if text.endswith(":"):  # `user:` with no password (a Docker or basic auth pair)
        return True
    return len(text) < 6 or decoys.is_weak_placeholder(text) or human(text)


def form_ok(match: re.Match[str]) -> bool:
    """The text before the name fits the form that matched (`<` before a tag name...)."""
    before = match.string[max(0, match.start() - 12) : match.start()]
    if match.group("tag"):
        return BEFORE_TAG.search(before) is not None
    if match.group("attr"):
        return BEFORE_ATTR.search(before) is not None
    if match.group("env"):
        return BEFORE_ENV.search(before) is not None
    return True


def assignment(candidate: Candidate) -> bool:
    """The generic detector's check (see the module docstring)."""
    match, path, value = candidate.match, candidate.path, candidate.secret
    name = match.group("name")
    if len(value) < MIN_LENGTH or not KEYWORD.search(name.lower()) or not form_ok(match):
        return False
    if decoys.is_lockfile(path) or not secret_name(name):
        return False
    quoted = match.group("q") is not None
    if not quoted and (code_file(path) or decoys.is_code(value)):
        return False
    if not plain_value(value, name + " " + match.string):
        return False
    return looks_random(value, relax=0.3 if env_file(path) else 0.0)


KEYWORDS = (
    "pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "accesskey", "access_key",
    "access-key", "privatekey", "private_key", "private-key", "credential", "auth", "signingkey",
    "signing_key", "encryptionkey", "encryption_key", "masterkey", "master_key", "psk", "bearer"
)  # fmt: skip
KEYWORD = re.compile("|".join(KEYWORDS))

DETECTORS = (
    Detector(
        id="generic-secret",
        title="Hard-coded secret (password, token or key assigned in code or configuration)",
        severity=Severity.MEDIUM,
        keywords=KEYWORDS,
        pattern=PATTERN,
        remediation="Change the secret where it is used, then read it at run time from the "
        "environment, a secret manager or a CI secret; keep only a reference (${VAR}) in the "
        "file, and remove the value from the git history.",
        references=("https://cwe.mitre.org/data/definitions/798.html",),
        equivalents=(("gitleaks", "generic-api-key"), ("detect-secrets", "KeywordDetector")),
        check=assignment,
        window=2,
        confidence="medium",
        requires=("=", ":", ">"),
        anchored=True,
    ),
)
