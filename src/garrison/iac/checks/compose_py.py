"""Python conditions for Compose checks the check language cannot say: environment
variables whose name or value looks like a secret (the check language cannot match
mapping keys). Values are only tested, never reported.

Each function is `(resource, obj, obj_path) -> list[DocPath]`: the offending fields (an
empty list: the check passes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from garrison.iac.model import DocPath, Resource

# A name that says it holds a secret; names of files, paths, hosts or users do not.
_SECRET_NAME = re.compile(
    r"(?i)^(?!.*_(?:FILE|PATH|DIR|URL|URI|HOST|PORT|ENDPOINT|NAME|USER|USERNAME|ID|TYPE|"
    r"LENGTH|TTL|EXPIRY|EXPIRES|VERSION)$)"
    r".*(?:PASSW(?:OR)?D|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)"
)
# Values that are secrets whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"(?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z0-9]{16}"  # AWS access key id
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\bgh[pousr]_[A-Za-z0-9]{36}"  # GitHub token
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}"  # Slack token
    r"|\bsk_live_[A-Za-z0-9]{20,}"  # Stripe secret key
    r"|\bAIza[0-9A-Za-z_-]{35}"  # Google API key
    r"|://[^/\s:@]++:(?!\$)[^/\s@]++@"  # a password inside a URL
)
# A value taken from the host's environment or an .env file, without a default.
_INTERPOLATED = re.compile(r"\$\{[A-Za-z_]\w*(?::?\?[^}]*)?\}|\$[A-Za-z_]\w*")


def _variables(doc: Any) -> Iterator[tuple[str, Any, DocPath]]:
    """(name, value, path) of each `environment` entry, mapping or list form; a list
    entry without `=` has no value (it is passed through from the host)."""
    environment = doc.get("environment") if isinstance(doc, dict) else None
    if isinstance(environment, dict):
        for name, value in environment.items():
            yield str(name), value, ("environment", name)
    elif isinstance(environment, list):
        for index, item in enumerate(environment):
            if isinstance(item, str):
                name, equals, value = item.partition("=")
                yield name.strip(), value if equals else None, ("environment", index)


def _literal(value: Any) -> str | None:
    """The value as written, unless it is empty or comes from elsewhere (interpolation)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text or _INTERPOLATED.fullmatch(text):
        return None
    return text


def secret_environment(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """Environment variables named like secrets with a literal value, or whose literal
    value looks like a credential."""
    found: list[DocPath] = []
    for name, value, where in _variables(obj):
        text = _literal(value)
        if text is None:
            continue
        if _SECRET_NAME.search(name) or _SECRET_VALUE.search(text):
            found.append(where)
    return found
