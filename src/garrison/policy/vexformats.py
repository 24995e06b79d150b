"""The two VEX formats read (pure): OpenVEX (v0.0.x and v0.2: `statements[]` with a
vulnerability, products and their subcomponents, a status and a justification or impact
statement) and CycloneDX VEX (`vulnerabilities[]` with `analysis` and `affects[].ref`, a
bom-ref of the document's components, a BOM-link or a purl)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from garrison.policy.model import VexDocument, VexStatement, VexStatus
from garrison.policy.yamllines import KeyPath, render_path

OPENVEX_STATUSES = {
    "not_affected": VexStatus.NOT_AFFECTED,
    "affected": VexStatus.AFFECTED,
    "fixed": VexStatus.FIXED,
    "under_investigation": VexStatus.UNDER_INVESTIGATION,
}
CYCLONEDX_STATES = {
    "not_affected": VexStatus.NOT_AFFECTED,
    "false_positive": VexStatus.FALSE_POSITIVE,
    "exploitable": VexStatus.AFFECTED,
    "in_triage": VexStatus.UNDER_INVESTIGATION,
    "resolved": VexStatus.FIXED,
    "resolved_with_pedigree": VexStatus.FIXED,
}


class VexError(Exception):
    """A malformed statement, at a JSON path."""

    def __init__(self, path: KeyPath, message: str) -> None:
        super().__init__(f"{render_path(path)}: {message}")
        self.path, self.message, self.where = path, message, render_path(path)


def parse_vex(raw: Any, source: str) -> VexDocument:
    if isinstance(raw, dict) and "openvex" in str(raw.get("@context", "")):
        statements = _list(raw, "statements", ())
        parsed = [_openvex_statement(i, s) for i, s in enumerate(statements)]
        return VexDocument(source, "openvex", tuple(parsed))
    if isinstance(raw, dict) and raw.get("bomFormat") == "CycloneDX":
        refs = dict(_bom_refs(raw))
        vulnerabilities = _list(raw, "vulnerabilities", ())
        parsed = [_cyclonedx_statement(i, v, refs) for i, v in enumerate(vulnerabilities)]
        return VexDocument(source, "cyclonedx", tuple(parsed))
    raise VexError((), "not an OpenVEX (@context openvex) nor a CycloneDX (bomFormat) document")


# --- OpenVEX ------------------------------------------------------------------------------


def _openvex_statement(index: int, raw: Any) -> VexStatement:
    where: KeyPath = ("statements", index)
    if not isinstance(raw, dict):
        raise VexError(where, "must be an object")
    names = _openvex_names(raw.get("vulnerability"), (*where, "vulnerability"))
    products = _openvex_products(_list(raw, "products", where), (*where, "products"))
    status = OPENVEX_STATUSES.get(raw.get("status"))  # type: ignore[arg-type]
    if status is None:
        raise VexError((*where, "status"), f"must be one of {', '.join(OPENVEX_STATUSES)}")
    reason = _joined(_text(raw, "justification", where), _text(raw, "impact_statement", where))
    if status is VexStatus.NOT_AFFECTED and not reason:
        raise VexError(where, "not_affected needs a justification or an impact_statement")
    ref = _text(raw, "@id", where) or names[0]
    return VexStatement(index, ref, frozenset(names), products, status, reason)


def _openvex_names(raw: Any, where: KeyPath) -> list[str]:
    """v0.0.x: a string; v0.2: {name, @id, aliases}."""
    if isinstance(raw, str) and raw.strip():
        return [raw.strip()]
    if not isinstance(raw, dict):
        raise VexError(where, "missing (a name like CVE-2023-1234, or {name: ...})")
    names = [raw[k].strip() for k in ("name", "@id") if isinstance(raw.get(k), str)]
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise VexError((*where, "aliases"), "must be a list of strings")
    names = [name for name in names + aliases if name]
    if not names:
        raise VexError((*where, "name"), "missing")
    return names


def _openvex_products(raw: list[Any], where: KeyPath) -> tuple[str, ...]:
    """Each product's subcomponents when it lists some (they are what is vulnerable),
    else the product itself: its @id and its identifiers' purl."""
    if not raw:
        raise VexError(where, "missing or empty")
    found: list[str] = []
    for index, product in enumerate(raw):
        subcomponents = product.get("subcomponents") if isinstance(product, dict) else None
        if isinstance(subcomponents, list) and subcomponents:
            for sub, item in enumerate(subcomponents):
                found += _product_ids(item, (*where, index, "subcomponents", sub))
        else:
            found += _product_ids(product, (*where, index))
    return tuple(dict.fromkeys(found))


def _product_ids(raw: Any, where: KeyPath) -> list[str]:
    if isinstance(raw, str) and raw:
        return [raw]
    if not isinstance(raw, dict):
        raise VexError(where, "must be a purl or an object with @id")
    identifiers = raw.get("identifiers")
    ids = [raw.get("@id"), identifiers.get("purl") if isinstance(identifiers, dict) else None]
    usable = [i for i in ids if isinstance(i, str) and i]
    if not usable:
        raise VexError(where, "names no product (@id or identifiers.purl)")
    return usable


# --- CycloneDX ----------------------------------------------------------------------------


def _cyclonedx_statement(index: int, raw: Any, refs: dict[str, str]) -> VexStatement:
    where: KeyPath = ("vulnerabilities", index)
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise VexError((*where, "id"), "missing")
    names = [raw["id"]] + [
        r["id"] for r in _list(raw, "references", where) if isinstance(r, dict) and r.get("id")
    ]
    analysis = raw.get("analysis", {})
    if not isinstance(analysis, dict):
        raise VexError((*where, "analysis"), "must be an object")
    status = CYCLONEDX_STATES.get(analysis.get("state", "in_triage"))
    if status is None:
        raise VexError(
            (*where, "analysis", "state"), f"must be one of {', '.join(CYCLONEDX_STATES)}"
        )
    place = (*where, "analysis")
    reason = _joined(_text(analysis, "justification", place), _text(analysis, "detail", place))
    products = _affected(_list(raw, "affects", where), refs, (*where, "affects"))
    if status in (VexStatus.NOT_AFFECTED, VexStatus.FALSE_POSITIVE):
        if not reason:
            raise VexError(place, f"{status.value} needs a justification or a detail")
        if not products:
            raise VexError((*where, "affects"), "missing: which components are not affected?")
    ref = _text(raw, "bom-ref", where) or raw["id"]
    return VexStatement(index, ref, frozenset(names), products, status, reason)


def _affected(raw: list[Any], refs: dict[str, str], where: KeyPath) -> tuple[str, ...]:
    found: list[str] = []
    for index, item in enumerate(raw):
        ref = item.get("ref") if isinstance(item, dict) else None
        if not isinstance(ref, str) or not ref:
            raise VexError((*where, index, "ref"), "missing")
        local = unquote(ref.rpartition("#")[2]) if ref.startswith("urn:cdx:") else ref
        found += [ref, local] + [refs[r] for r in (ref, local) if r in refs]
    return tuple(dict.fromkeys(found))


def _bom_refs(raw: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """bom-ref -> purl for every component of the document (nested ones too)."""
    metadata = raw.get("metadata")
    stack: list[Any] = list(raw.get("components") or [])
    if isinstance(metadata, dict) and isinstance(metadata.get("component"), dict):
        stack.append(metadata["component"])
    while stack:
        component = stack.pop()
        if not isinstance(component, dict):
            continue
        ref, purl = component.get("bom-ref"), component.get("purl")
        if isinstance(ref, str) and isinstance(purl, str):
            yield ref, purl
        children = component.get("components")
        stack += children if isinstance(children, list) else []


# --- shared -------------------------------------------------------------------------------


def _list(raw: dict[str, Any], key: str, where: KeyPath) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise VexError((*where, key), "must be a list")
    return value


def _text(raw: dict[str, Any], key: str, where: KeyPath) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise VexError((*where, key), "must be a string")
    return value.strip()


def _joined(first: str, second: str) -> str:
    return f"{first}: {second}" if first and second else first or second
