"""Values that look like secrets and are not: placeholders, documented examples, template
variables, hashes, UUIDs, integrity strings, public keys.

`is_placeholder` applies to every detector (a value marked as an example is never a live
credential); the weaker `is_weak_placeholder` applies where a value is only recognised by
its name (generic assignments, passwords in URLs), where words like `password` or `test`
are the usual stand-ins.
"""

from __future__ import annotations

import hashlib
import re

STRONG_MARKERS = (
    "example", "sample", "dummy", "placeholder", "xxxx", "redacted", "your_", "your-",
    "yourtoken", "yourkey", "yourpassword", "yoursecret", "****", "0123456", "1234567",
    "abcdefg", "insert_", "replace_me", "replaceme", "<", "...",
)  # fmt: skip
# In a long random value (a key body) short markers turn up by chance: only long ones count.
LONG = 200
LONG_MARKERS = tuple(marker for marker in STRONG_MARKERS if len(marker) >= 6)
# Stand-ins for a password: words, their leetspeak (`s3cret`, `passw0rd`) and the famous
# examples (bash.org's `hunter2`, xkcd 936's `Tr0ub4dor&3`).
WEAK_MARKERS = (
    "changeme", "change_me", "change-me", "password", "passwd", "secret", "token", "test",
    "fake", "mock", "dummy", "default", "qwerty", "letmein", "todo", "fixme", "***",
    "foobar", "hunter2", "notreal", "not_real", "not-real", "invalid", "mysql", "postgres",
    "admin", "sample", "demo", "local", "mypass", "my_pass", "my-pass", "mysecret",
    "my_secret", "username", "user_name", "s3cr3t", "s3cret", "p4ss", "p@ss", "passw0rd",
    "abc123", "tr0ub4dor",
)  # fmt: skip
WEAK_WORDS = frozenset(
    {"pass", "pwd", "root", "user", "guest", "foo", "bar", "baz", "none", "null", "nil",
     "empty", "string", "str", "value", "key", "undefined", "true", "false", "yes", "no",
     "on", "off", "required", "optional", "unset", "tbd", "na", "n/a", "secret1"}
)  # fmt: skip
REPEATED = re.compile(r"(.)\1{5,}")
# sha256 of values published on purpose, stored as digests so this file holds none of them:
# the Azure storage emulator's documented account key, the jwt.io example token, and the
# access and refresh tokens of RFC 6749's examples.
KNOWN_PUBLIC = frozenset(
    {
        "6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c",
        "00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32",
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    }
)
TEMPLATE = re.compile(
    r"\$\{|\{\{|\{%|<%|%\(|#\{|\$\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^@[A-Za-z_]+@$|\{[A-Za-z_][\w.]*\}|"
    r"^(?:process\.env|os\.environ|os\.getenv|getenv|env\.|ENV\[|System\.getenv|secrets\.)"
)
CODE = re.compile(r"[A-Za-z_][\w.]*[(\[]|[A-Za-z_]\w*\.[A-Za-z_][\w.]*$")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
HEX_DIGEST = re.compile(r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|"
                        r"[0-9a-f]{128})|(?:[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})")  # fmt: skip
HASH_WORDS = frozenset(
    {"sha", "sha1", "sha224", "sha256", "sha384", "sha512", "md5", "hash", "hashes", "hashed",
     "digest", "checksum", "checksums", "integrity", "blake2b", "blake3", "crc", "crc32", "etag",
     "commit", "revision", "rev", "fingerprint"}
)  # fmt: skip
CAMEL = re.compile(r"([a-z0-9])([A-Z])")
NON_WORD = re.compile(r"[^a-z0-9]+")
ENCODED_HASH = re.compile(
    r"^(?:sha(?:1|224|256|384|512)[-:]|h1:|md5[-:]|\$2[abxy]?\$\d\d\$|\$argon2|\$[156]\$|"
    r"pbkdf2[_:$]|scrypt[:$])",
    re.IGNORECASE,
)
PUBLIC_KEY = re.compile(r"^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-|sk-ssh-|AAAAB3NzaC1|AAAAC3NzaC1)")
LOCKFILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock",
     "go.sum", "Cargo.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock",
     "composer.lock", "Gemfile.lock", "packages.lock.json", "gradle.lockfile", "mix.lock",
     "pubspec.lock", "Podfile.lock", "flake.lock"}
)  # fmt: skip


def is_placeholder(value: str) -> bool:
    """Marked as an example or stand-in (any detector): `EXAMPLE`, `xxxx`, `<...>`, `your_`,
    `REDACTED`, runs of one character, counting sequences, or a documented public value."""
    lower = value.lower()
    markers = STRONG_MARKERS if len(value) < LONG else LONG_MARKERS
    if any(marker in lower for marker in markers):
        return True
    if REPEATED.search(value):
        return True
    return hashlib.sha256(value.encode()).hexdigest() in KNOWN_PUBLIC


def is_weak_placeholder(value: str) -> bool:
    """A stand-in among values recognised only by their name (`changeme`, `password`)."""
    lower = value.lower()
    if lower in WEAK_WORDS or is_placeholder(value) or "xxx" in value or "XXX" in value:
        return True
    return any(marker in lower for marker in WEAK_MARKERS)


def is_template(value: str) -> bool:
    """A reference to a value kept elsewhere: `${VAR}`, `{{ .Values.x }}`, `%(x)s`, `$VAR`,
    `{name}` (a format field), `os.environ[...]`, `process.env.X`, `getenv(...)`, `ENV[...]`,
    `secrets.X`."""
    return TEMPLATE.search(value) is not None


def is_code(value: str) -> bool:
    """A function call, an index or an attribute access (`get_password()`, `self.token`)."""
    return CODE.match(value) is not None


def is_uuid(value: str) -> bool:
    return UUID.fullmatch(value) is not None


def is_hash(value: str, context: str = "") -> bool:
    """A digest: an encoded hash (`sha512-...`, `h1:...`, bcrypt), or hex of a digest's
    length where the context (the name, the line) speaks of hashes."""
    if ENCODED_HASH.match(value):
        return True
    if HEX_DIGEST.fullmatch(value) is None:
        return False
    words = NON_WORD.split(CAMEL.sub(r"\1 \2", context).lower())
    return not HASH_WORDS.isdisjoint(words)


def is_public_key(value: str) -> bool:
    """An SSH public key or its base64 body."""
    return PUBLIC_KEY.match(value) is not None


def is_lockfile(path: str) -> bool:
    """A dependency lockfile: its hashes and integrity strings are never credentials."""
    return path.rpartition("/")[2] in LOCKFILES
