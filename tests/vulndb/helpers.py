"""Builders for OSV documents used across the vulndb tests."""

from __future__ import annotations

from typing import Any


def entry(
    ident: str = "PYSEC-2099-1",
    *,
    ecosystem: str = "PyPI",
    name: str = "demo",
    events: list[dict[str, str]] | None = None,
    range_type: str = "ECOSYSTEM",
    versions: list[str] | None = None,
    aliases: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid OSV entry with one affected package and one range."""
    affected: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": name}}
    if events is not None or versions is None:
        affected["ranges"] = [
            {"type": range_type, "events": events or [{"introduced": "0"}, {"fixed": "1.0"}]}
        ]
    if versions is not None:
        affected["versions"] = versions
    document: dict[str, Any] = {
        "id": ident,
        "modified": "2024-01-01T00:00:00Z",
        "summary": f"summary of {ident}",
        "aliases": aliases or [],
        "affected": [affected],
    }
    document.update(extra)
    return document
