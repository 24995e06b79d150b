"""What an SBOM reader returns, the interface every reader module implements, and helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from garrison.errors import SbomError
from garrison.model import Component, ScanWarning
from garrison.sbom.purls import component_from_purl

# Component kinds that are not packages: without a purl they are skipped without a warning.
NON_PACKAGE_KINDS = frozenset({"operating-system", "file", "data"})


@dataclass(frozen=True, slots=True)
class SbomContents:
    """The components of one SBOM document, and what could not be used."""

    format: str  # "cyclonedx" | "spdx"
    spec_version: str  # e.g. "1.6" / "SPDX-2.3"
    components: tuple[Component, ...]
    warnings: tuple[ScanWarning, ...]


class SbomReader(Protocol):
    """A reader module: `NAME`, a cheap `matches` sniff, and `read`."""

    NAME: str

    def matches(self, document: dict[str, Any]) -> bool: ...

    def read(self, document: dict[str, Any], source: str) -> SbomContents: ...


def component_warning(
    source: str, name: str, ref_label: str, ref: str | None, problem: str
) -> ScanWarning:
    """ScanWarning(source, "component 'NAME' (bom-ref X): PROBLEM")."""
    where = f" ({ref_label} {ref})" if ref else ""
    return ScanWarning(source, f"component '{name}'{where}: {problem}")


def text_or_none(value: Any) -> str | None:
    """A non-blank string field, stripped; anything else is None."""
    if isinstance(value, str):
        return value.strip() or None
    return None


@dataclass(slots=True)
class Collector:
    """Accumulates the components and warnings of one document, in document order."""

    source: str
    ref_label: str  # how the document names its identifiers: "bom-ref", "SPDXID"
    components: list[Component] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)

    def add(
        self,
        *,
        name: str,
        ref: str | None,
        purl: Any,
        version: str | None,
        licenses: tuple[str, ...],
        kind: str | None = None,
    ) -> None:
        """Add one SBOM entry as a Component, or warn why it cannot be matched."""
        if purl in (None, "") and kind in NON_PACKAGE_KINDS:
            return
        problem = _purl_problem(purl)
        if problem is None:
            try:
                component = component_from_purl(
                    purl, version=version, source=self.source, licenses=licenses, bom_ref=ref
                )
            except SbomError as error:
                problem = str(error)
            else:
                self.components.append(component)
                if component.version is None:
                    self.warn(name, ref, "no version; treated as version unknown")
                return
        self.warn(name, ref, f"{problem}; not matched")

    def warn(self, name: str, ref: str | None, problem: str) -> None:
        self.warnings.append(component_warning(self.source, name, self.ref_label, ref, problem))

    def contents(self, format_name: str, spec_version: str) -> SbomContents:
        return SbomContents(format_name, spec_version, tuple(self.components), tuple(self.warnings))


def _purl_problem(purl: Any) -> str | None:
    if purl is None or purl == "":
        return "no purl"
    if not isinstance(purl, str):
        return f"purl is not a string ({type(purl).__name__})"
    return None
