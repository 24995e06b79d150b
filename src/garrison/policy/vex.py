"""VEX in: OpenVEX and CycloneDX VEX documents -> statements that set vulnerability findings
aside (`not_affected`, and CycloneDX `false_positive`). Reading is I/O at the edge
(`load_vex`); parsing and matching are pure.

A statement matches a finding when one of its vulnerability names is the finding's id or an
alias, and one of its products is the finding's package: the same purl (a product without a
version matches every version; qualifiers it names must agree) or the same bom-ref.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from garrison.errors import PolicyError, SbomError
from garrison.model import Finding
from garrison.policy import vexformats
from garrison.policy.files import parse_json, read_text
from garrison.policy.model import VexDocument, VexStatement
from garrison.policy.verdict import SuppressedBy, Suppression
from garrison.policy.yamllines import located_yaml
from garrison.sbom.purls import Purl, parse_purl

KnownIds = Callable[[str], bool]


def load_vex(path: Path, known_ids: KnownIds | None = None) -> VexDocument:
    """Read an OpenVEX or CycloneDX VEX file. With `known_ids`, a statement naming a
    vulnerability the advisory database does not know is a PolicyError."""
    text = read_text(path, "a VEX document")
    raw = parse_json(text, path)
    try:
        document = vexformats.parse_vex(raw, str(path))
        if known_ids is not None:
            _check_known(document, known_ids)
    except vexformats.VexError as exc:
        line = _line_of(text, exc.path)
        raise PolicyError(f"{path}:{line}: {exc.where}: {exc.message}") from None
    return document


def _check_known(document: VexDocument, known_ids: KnownIds) -> None:
    container = "statements" if document.format == "openvex" else "vulnerabilities"
    for statement in document.statements:
        names = sorted(n for n in statement.vulnerabilities if "://" not in n)
        if not any(known_ids(name) for name in names):
            shown = ", ".join(names) or "(no usable name)"
            raise vexformats.VexError(
                (container, statement.index),
                f"vulnerability {shown} is not in the advisory database",
            )


class VexMatcher:
    """Every suppressing statement of some documents, indexed by vulnerability name."""

    def __init__(self, documents: Sequence[VexDocument]) -> None:
        self._by_name: dict[str, list[tuple[VexDocument, VexStatement]]] = {}
        for document in documents:
            for statement in document.statements:
                if statement.suppresses:
                    for name in statement.vulnerabilities:
                        self._by_name.setdefault(name.casefold(), []).append((document, statement))

    def suppression(self, finding: Finding) -> Suppression | None:
        """The first statement that sets this vulnerability finding aside, if any."""
        if finding.kind != "vulnerability" or finding.component is None or not self._by_name:
            return None
        component = finding.component
        for name in (finding.id, *finding.aliases):
            for document, statement in self._by_name.get(name.casefold(), ()):
                if product_matches(statement.products, component.purl, component.bom_ref):
                    ref = f"{document.source}: {statement.ref}"
                    return Suppression(finding, SuppressedBy.VEX, ref, statement.justification)
        return None


def product_matches(products: Iterable[str], purl: str | None, bom_ref: str | None) -> bool:
    parsed = _purl(purl) if purl else None
    for product in products:
        if product in (purl, bom_ref):
            return True
        wanted = _purl(product) if product.startswith("pkg:") else None
        if wanted is not None and parsed is not None and _same_package(wanted, parsed):
            return True
    return False


def _same_package(wanted: Purl, actual: Purl) -> bool:
    def fold(text: str | None) -> str:
        text = (text or "").casefold()
        return text.replace("_", "-").replace(".", "-") if wanted.type == "pypi" else text

    if (wanted.type, fold(wanted.namespace), fold(wanted.name)) != (
        actual.type, fold(actual.namespace), fold(actual.name),
    ):  # fmt: skip
        return False
    if wanted.version is not None and wanted.version != actual.version:
        return False
    return all(actual.qualifiers.get(key) == value for key, value in wanted.qualifiers.items())


def _purl(text: str) -> Purl | None:
    try:
        return parse_purl(text)
    except SbomError:
        return None


def _line_of(text: str, path: Sequence[str | int]) -> int:
    """The line of a JSON path, read through the YAML line marks (JSON is YAML); 1 if not."""
    try:
        return located_yaml(text, "vex").line_of(path)
    except PolicyError:
        return 1
