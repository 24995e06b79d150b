"""Which operating system a root filesystem holds, and the OSV ecosystem of its packages.

`detect` reads `etc/os-release` (then `usr/lib/os-release`) and falls back to the release
files older or minimal systems carry (`etc/alpine-release`, `etc/rocky-release`,
`etc/almalinux-release`, `etc/centos-release`, `etc/redhat-release`, `etc/debian_version`).

`OsInfo.ecosystem` is the release-qualified OSV ecosystem its packages' advisories are filed
under, or None when OSV has none garrison knows (CentOS, Fedora, Amazon Linux, Arch...):
  Debian        `Debian:12`                 major release (codename mapped when no number)
  Ubuntu        `Ubuntu:22.04:LTS`          `:LTS` for LTS releases, as OSV spells them
  Alpine        `Alpine:v3.20`              major.minor branch with OSV's `v`
  RHEL          `Red Hat:enterprise_linux:9`  the CPE stream without its repository part;
                OSV files RHEL packages under `Red Hat:enterprise_linux:9::baseos` and
                `...::appstream`, and an installed system does not record which repository a
                package came from, so the match must accept either
  Rocky, Alma   `Rocky Linux:9`, `AlmaLinux:9`
  openSUSE      `openSUSE:Leap 15.5`, `openSUSE:Tumbleweed` (PRETTY_NAME without the vendor)
  SUSE          `SUSE:Linux Enterprise Server 15 SP5` (PRETTY_NAME without the vendor)
  Photon OS     `Photon OS:5.0`; Mageia `Mageia:9`; Wolfi `Wolfi`; Chainguard `Chainguard`
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

OS_RELEASE_FILES = ("etc/os-release", "usr/lib/os-release")
_FALLBACK_FILES = (
    "etc/alpine-release",
    "etc/rocky-release",
    "etc/almalinux-release",
    "etc/centos-release",
    "etc/redhat-release",
    "etc/debian_version",
)
# Every path `detect` looks at, relative to the root (the image walker must read these).
OS_FILES: frozenset[str] = frozenset(OS_RELEASE_FILES + _FALLBACK_FILES)

DEBIAN_CODENAMES = {
    "wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11",
    "bookworm": "12", "trixie": "13", "forky": "14", "duke": "15",
}  # fmt: skip
_MAX_BYTES = 64 * 1024
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)")
_MAJOR = re.compile(r"\d+")
_MAJOR_MINOR = re.compile(r"(\d+)\.(\d+)")
_RELEASE_LINE = re.compile(r"(?P<name>.+?)\s+release\s+(?P<version>\d[\w.]*)", re.IGNORECASE)
_RELEASE_NAMES = (
    ("red hat enterprise linux", "rhel"),
    ("centos", "centos"),
    ("rocky linux", "rocky"),
    ("almalinux", "almalinux"),
    ("fedora", "fedora"),
    ("oracle linux", "ol"),
)


@dataclass(frozen=True, slots=True)
class OsInfo:
    """An identified operating system. `id` is os-release's ID (lower case); `source` is the
    file it was read from (findings about the OS point there)."""

    id: str
    version_id: str | None
    codename: str | None
    pretty_name: str
    ecosystem: str | None
    id_like: tuple[str, ...] = ()
    source: str = "etc/os-release"

    @property
    def label(self) -> str:
        return self.pretty_name or f"{self.id} {self.version_id or ''}".strip()


def detect(files: Mapping[str, bytes]) -> OsInfo | None:
    """The operating system the files describe (keys are root-relative paths), or None."""
    normal = {key.lstrip("/").removeprefix("./"): value for key, value in files.items()}
    for path in OS_RELEASE_FILES:
        data = normal.get(path)
        if data is not None:
            found = _from_os_release(parse_os_release(data), path)
            if found is not None:
                return found
    for path in _FALLBACK_FILES:
        data = normal.get(path)
        if data is not None:
            found = _from_release_file(path, _first_line(data))
            if found is not None:
                return found
    return None


def parse_os_release(data: bytes) -> dict[str, str]:
    """os-release's `KEY=value` assignments (shell quoting undone); bad lines are ignored."""
    values: dict[str, str] = {}
    text = data[:_MAX_BYTES].decode("utf-8", errors="replace")
    for raw in text.splitlines():
        found = _ASSIGNMENT.fullmatch(raw.strip())
        if found:
            values.setdefault(found[1], _unquote(found[2].strip()))
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\([\\$\"`])", r"\1", value[1:-1])
    return value


def _from_os_release(values: Mapping[str, str], path: str) -> OsInfo | None:
    os_id = values.get("ID", "").strip().lower()
    if not os_id:
        return None
    version_id = values.get("VERSION_ID") or None
    codename = values.get("VERSION_CODENAME") or values.get("UBUNTU_CODENAME") or None
    name = values.get("NAME") or os_id
    pretty = values.get("PRETTY_NAME") or f"{name} {values.get('VERSION', '')}".strip()
    id_like = tuple(values.get("ID_LIKE", "").lower().split())
    lts = "LTS" in values.get("VERSION", "") or "LTS" in pretty
    ecosystem = ecosystem_of(os_id, version_id, codename, pretty, lts=lts)
    return OsInfo(os_id, version_id, codename, pretty, ecosystem, id_like, path)


def _from_release_file(path: str, line: str) -> OsInfo | None:
    if not line:
        return None
    if path == "etc/alpine-release":
        found = _MAJOR_MINOR.match(line)
        pretty = f"Alpine Linux v{found[1]}.{found[2]}" if found else "Alpine Linux"
        return _info("alpine", line, None, pretty, path)
    if path == "etc/debian_version":
        if _MAJOR.match(line):
            major = line.split(".")[0]
            return _info("debian", major, None, f"Debian GNU/Linux {major}", path)
        codename = line.split("/")[0].strip().lower()
        return _info("debian", None, codename, f"Debian GNU/Linux {line}", path)
    found = _RELEASE_LINE.match(line)
    if not found:
        return None
    lowered = found["name"].lower()
    os_id = next((i for prefix, i in _RELEASE_NAMES if lowered.startswith(prefix)), None)
    os_id = os_id or lowered.split()[0]
    return _info(os_id, found["version"], None, line, path)


def _info(
    os_id: str, version_id: str | None, codename: str | None, pretty: str, path: str
) -> OsInfo:
    ecosystem = ecosystem_of(os_id, version_id, codename, pretty, lts=False)
    return OsInfo(os_id, version_id, codename, pretty, ecosystem, (), path)


def _first_line(data: bytes) -> str:
    text = data[:4096].decode("utf-8", errors="replace").strip()
    return text.splitlines()[0].strip() if text else ""


def ecosystem_of(
    os_id: str, version_id: str | None, codename: str | None, pretty: str, *, lts: bool
) -> str | None:
    """The OSV ecosystem (with release) of an OS's packages; None when OSV has none."""
    if os_id in ("wolfi", "chainguard"):
        return os_id.capitalize()
    major = debian_release(version_id, codename) if os_id == "debian" else _major(version_id)
    if os_id == "debian":
        return f"Debian:{major}" if major else "Debian"
    if os_id == "ubuntu":
        return _ubuntu(version_id, lts)
    if os_id == "alpine":
        found = _MAJOR_MINOR.match(version_id or "")
        return f"Alpine:v{found[1]}.{found[2]}" if found else None
    simple = {"rhel": "Red Hat:enterprise_linux", "rocky": "Rocky Linux", "almalinux": "AlmaLinux"}
    if os_id in simple:
        return f"{simple[os_id]}:{major}" if major else None
    return _suse_and_others(os_id, version_id, pretty)


def debian_release(version_id: str | None, codename: str | None) -> str | None:
    """Debian's major release number, from VERSION_ID or else the codename."""
    return _major(version_id) or DEBIAN_CODENAMES.get((codename or "").lower())


def _major(version_id: str | None) -> str | None:
    found = _MAJOR.match(version_id or "")
    return found[0] if found else None


def _ubuntu(version_id: str | None, lts: bool) -> str | None:
    found = re.fullmatch(r"(\d\d)\.(\d\d)(?:\.\d+)?", version_id or "")
    if not found:
        return None
    release = f"{found[1]}.{found[2]}"
    if lts or (int(found[1]) % 2 == 0 and found[2] == "04"):
        return f"Ubuntu:{release}:LTS"
    return f"Ubuntu:{release}"


def _suse_and_others(os_id: str, version_id: str | None, pretty: str) -> str | None:
    if os_id == "opensuse-leap" and version_id:
        return f"openSUSE:Leap {version_id}"
    if os_id == "opensuse-tumbleweed":
        return "openSUSE:Tumbleweed"
    if os_id.startswith("sle") and pretty.startswith("SUSE "):
        return f"SUSE:{pretty.removeprefix('SUSE ')}"
    if os_id == "photon" and version_id:
        return f"Photon OS:{version_id}"
    if os_id == "mageia" and version_id:
        return f"Mageia:{version_id}"
    return None
