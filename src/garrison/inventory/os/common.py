"""What the OS package readers share: the Component an installed package becomes (ecosystem,
purl, source package) and the warning when the OS gives its packages no advisory ecosystem.

Purls follow the purl spec's deb/apk/rpm types as syft and trivy write them:
`pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl`
(`upstream` only when the source package differs: `name` or `name@version`), and for rpm the
epoch as a qualifier: `pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64&epoch=1&distro=rhel-9.3`.
"""

from __future__ import annotations

from dataclasses import dataclass

from packageurl import PackageURL

from garrison import ecosystems
from garrison.errors import GarrisonError
from garrison.inventory.os.osrelease import OsInfo
from garrison.inventory.readers.base import ReadResult, ResultBuilder, SourceFile
from garrison.model import Component, Gap, Location


@dataclass(frozen=True, slots=True)
class PackageFormat:
    """One package database format: its purl type, the OSV ecosystems whose systems use it,
    and what to assume when the OS is unknown."""

    purl_type: str
    families: frozenset[str]
    default_ecosystem: str
    default_namespace: str


DEB = PackageFormat("deb", frozenset({"Debian", "Ubuntu"}), "Debian", "debian")
APK = PackageFormat("apk", frozenset({"Alpine", "Wolfi", "Chainguard"}), "Alpine", "alpine")
RPM = PackageFormat(
    "rpm",
    frozenset({"Red Hat", "Rocky Linux", "AlmaLinux", "openSUSE", "SUSE", "Photon OS", "Mageia"}),
    "Red Hat",
    "redhat",
)

# os-release IDs whose purl namespace differs from the ID.
_NAMESPACES = {
    "rhel": "redhat", "opensuse-leap": "opensuse", "opensuse-tumbleweed": "opensuse",
    "sles": "suse", "sles_sap": "suse", "sle-micro": "suse", "amzn": "amazon", "ol": "oracle",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Installed:
    """One installed package as a database records it. `version` excludes an rpm epoch,
    which is given apart (deb versions keep theirs inline, as dpkg writes them)."""

    name: str
    version: str | None
    line: int | None = None
    arch: str | None = None
    source_name: str | None = None
    source_version: str | None = None
    licenses: tuple[str, ...] = ()
    epoch: str | None = None

    @property
    def full_version(self) -> str | None:
        if self.version and self.epoch is not None:
            return f"{self.epoch}:{self.version}"
        return self.version


class PackageList:
    """Collects one database's packages as Components, with the file's warnings."""

    def __init__(self, source: SourceFile, package_format: PackageFormat, os: OsInfo | None):
        self.format = package_format
        self.ecosystem, problem = resolve_ecosystem(package_format, os)
        self.builder = ResultBuilder(source, self.ecosystem)
        self.namespace, self.distro = _namespace(package_format, os, matched=problem is None)
        if problem:
            self.builder.warn(problem, Gap.UNMATCHED)

    def add(self, package: Installed) -> None:
        builder = self.builder
        arch = f"?arch={package.arch}" if package.arch else ""
        key = f"{package.name}@{package.full_version or ''}{arch}"
        if key in builder.components:
            return
        builder.components[key] = Component(
            ecosystem=self.ecosystem,
            name=package.name,
            version=package.full_version,
            purl=self.purl(package),
            location=Location(builder.source.path, package.line),
            licenses=package.licenses,
            bom_ref=key,
            source_package=package.source_name or package.name,
        )
        if not package.version:
            builder.warn(f"{package.name}: no version", Gap.NO_VERSION, package.line)

    def warn(self, message: str, line: int | None = None) -> None:
        """A part of the file that could not be read (the rest still is)."""
        self.builder.warn(message, Gap.READER_FAILED, line)

    def result(self) -> ReadResult:
        return self.builder.result()

    def purl(self, package: Installed) -> str | None:
        qualifiers: dict[str, str] = {}
        if package.arch:
            qualifiers["arch"] = package.arch
        if package.epoch is not None:
            qualifiers["epoch"] = package.epoch
        if self.distro:
            qualifiers["distro"] = self.distro
        upstream = _upstream(package)
        if upstream:
            qualifiers["upstream"] = upstream
        try:
            purl = PackageURL(
                self.format.purl_type, self.namespace, package.name, package.version, qualifiers
            )
        except ValueError:
            return None
        return str(purl.to_string())


def resolve_ecosystem(package_format: PackageFormat, os: OsInfo | None) -> tuple[str, str | None]:
    """The ecosystem for a format's packages on `os`, and why it is a guess (None: it is not)."""
    family = _family(os.ecosystem) if os is not None and os.ecosystem else None
    if os is not None and family in package_format.families and os.ecosystem:
        return os.ecosystem, None
    default = package_format.default_ecosystem
    if os is not None and default == "Debian" and "ubuntu" in os.id_like:
        default = "Ubuntu"
    kind = package_format.purl_type
    if os is None:
        reason = "the operating system was not identified (no os-release)"
    elif os.ecosystem is None:
        reason = f"garrison knows no OSV ecosystem for {os.label}"
    else:
        reason = f"{os.label} does not use {kind} packages"
    return default, (
        f"{reason}: its {kind} packages are matched against {default} advisories of every "
        "release, which can miss or misreport vulnerabilities"
    )


def _family(ecosystem: str) -> str | None:
    try:
        return ecosystems.base(ecosystem)
    except GarrisonError:
        return None


def _namespace(
    package_format: PackageFormat, os: OsInfo | None, *, matched: bool
) -> tuple[str, str | None]:
    """The purl namespace (the distribution's vendor) and `distro` qualifier."""
    if os is None or not (matched or os.ecosystem is None):
        return package_format.default_namespace, None
    namespace = _NAMESPACES.get(os.id, os.id)
    distro = f"{os.id}-{os.version_id}" if os.version_id else None
    return namespace, distro


def _upstream(package: Installed) -> str | None:
    if not package.source_name:
        return None
    if package.source_version and package.source_version != package.version:
        return f"{package.source_name}@{package.source_version}"
    if package.source_name != package.name:
        return package.source_name
    return None
