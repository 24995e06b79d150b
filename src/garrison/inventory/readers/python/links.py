"""URL, VCS and local-path requirements: what kind they are, and a version when the file
name of a wheel or sdist tells one."""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from garrison.inventory.readers.python.common import pep503, requirement_name

_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|file:)")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")
_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


def is_url(text: str) -> bool:
    return _URL.match(text) is not None


def looks_like_path(spec: str) -> bool:
    return (
        spec.startswith((".", "/", "~"))
        or bool(_WINDOWS_PATH.match(spec))
        or ("@" not in spec and spec.lower().endswith(_ARCHIVES))
    )


def describe_link(
    link: str, name: str | None, *, editable: bool
) -> tuple[str | None, str | None, str]:
    """(name, version, problem) for a URL, VCS or local-path requirement; the version only
    from a release file name that belongs to the named project."""
    is_vcs = link.lower().startswith(_VCS_PREFIXES)
    kind = "VCS" if is_vcs else "URL" if _URL.match(link) else "local path"
    kind = f"editable {kind}" if editable else kind
    file_name, version = (None, None) if is_vcs else _release_from_file_name(link)
    name = name or _egg_name(link) or file_name
    if file_name and name and pep503(file_name) != pep503(name):
        version = None
    if version is not None:
        problem = f"{name}: {kind} requirement {link!r}, version {version} from its file name"
    else:
        problem = f"{name + ': ' if name else ''}{kind} requirement {link!r} without a version"
    return name, version, problem


def _egg_name(link: str) -> str | None:
    fragment = link.partition("#")[2]
    for part in fragment.split("&"):
        key, _, value = part.partition("=")
        if key == "egg" and value:
            return requirement_name(value)
    return None


def _release_from_file_name(link: str) -> tuple[str | None, str | None]:
    """(name, version) from a wheel or sdist file name ('numpy-1.9.2-cp34-none-win32.whl',
    'pkg-1.0.tar.gz'), or (None, version) for an archive named as a version ('1.26.8.zip')."""
    file_name = link.partition("#")[0].partition("?")[0].rstrip("/").rsplit("/", 1)[-1]
    lowered = file_name.lower()
    suffix = next((s for s in _ARCHIVES if lowered.endswith(s)), None)
    if suffix is None:
        return None, None
    if suffix == ".whl":
        parts = file_name.split("-")
        return (parts[0], parts[1]) if len(parts) >= 5 and _is_version(parts[1]) else (None, None)
    stem = file_name[: -len(suffix)]
    if _is_version(stem.removeprefix("v")):
        return None, stem.removeprefix("v")
    name, _, version = stem.rpartition("-")
    return (name, version) if name and _is_version(version) else (None, None)


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return bool(text) and text[0].isdigit()
