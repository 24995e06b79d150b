"""Baselines: today's findings, by fingerprint, accepted as existing debt so only new ones
count. The file records the target it was made for (a path relative to the baseline file,
so the repository can move; or an image reference as given) and is refused for another."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from garrison.errors import PolicyError
from garrison.fingerprints import fingerprints
from garrison.model import Finding, ScanResult
from garrison.policy.files import key_line, parse_json, read_text
from garrison.policy.model import Baseline, BaselineEntry
from garrison.policy.verdict import Notice, NoticeKind, SuppressedBy, Suppression

FORMAT = 1
_ENTRY_KEYS = ("fingerprint", "id", "kind", "path")


def fingerprints_of(findings: Sequence[Finding]) -> dict[int, str]:
    """Each finding's stable fingerprint, by its index (garrison.fingerprints)."""
    return fingerprints(findings)


def write_baseline(result: ScanResult, path: Path, *, created: date | None = None) -> None:
    """Write the fingerprints of the result's findings (sorted) to `path`, atomically."""
    prints = fingerprints_of(result.findings)
    entries: dict[str, dict[str, Any]] = {}
    for index, finding in enumerate(result.findings):
        entries.setdefault(prints[index], _entry(prints[index], finding))
    kind, target = _target_record(result.target, path)
    document = {
        "garrison_baseline": FORMAT,
        "target": target,
        "target_kind": kind,
        "created": (created or _today()).isoformat(),
        "findings": [entries[key] for key in sorted(entries)],
    }
    _write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def load_baseline(path: Path, target: str) -> Baseline:
    """Read a baseline; PolicyError when it is malformed or made for another target."""
    text = read_text(path, "a baseline")
    raw = parse_json(text, path)
    document = _checked(raw, path, text)
    _check_target(document, path, target, text)
    entries = tuple(
        BaselineEntry(**{k: e.get(k) for k in _ENTRY_KEYS}) for e in document["findings"]
    )
    return Baseline(
        str(path), target, document["created"], entries, frozenset(e.fingerprint for e in entries)
    )


def baseline_suppression(baseline: Baseline, finding: Finding) -> Suppression:
    reason = f"in the baseline of {baseline.created} (existing debt)"
    return Suppression(finding, SuppressedBy.BASELINE, baseline.source, reason)


def stale_baseline_notice(baseline: Baseline, seen: Mapping[int, str]) -> Notice | None:
    """One notice counting baseline entries that match no finding any more."""
    stale = len(baseline.fingerprints - set(seen.values()))
    if not stale:
        return None
    message = (
        f"baseline {baseline.source}: {stale} of {len(baseline.fingerprints)} entries match "
        "no finding (fixed or changed); re-create the baseline to drop them"
    )
    return Notice(NoticeKind.STALE, message, baseline.source)


def _entry(fingerprint: str, finding: Finding) -> dict[str, Any]:
    where = finding.location.path if finding.location else None
    return {"fingerprint": fingerprint, "id": finding.id, "kind": finding.kind, "path": where}


def _target_record(target: str, baseline: Path) -> tuple[str, str]:
    """("path", target relative to the baseline's folder) or ("reference", target)."""
    if not Path(target).exists():
        return "reference", target
    relative = os.path.relpath(Path(target).resolve(), baseline.parent.resolve())
    return "path", Path(relative).as_posix()


def _check_target(document: dict[str, Any], path: Path, target: str, text: str) -> None:
    recorded = document["target"]
    if document["target_kind"] == "path":
        made_for = (path.parent / recorded).resolve()
        if Path(target).exists() and made_for == Path(target).resolve():
            return
        found = f"{recorded!r} ({made_for})"
    else:
        if recorded == target:
            return
        found = repr(recorded)
    line = key_line(text, "target")
    raise PolicyError(
        f"{path}:{line}: target: this baseline was made for {found}, not for {target!r}"
    )


def _checked(raw: Any, path: Path, text: str) -> dict[str, Any]:
    """The document if its structure is right; else PolicyError `FILE:LINE: key: why`."""

    def bad(key: str, message: str) -> PolicyError:
        line = key_line(text, key.split("[", 1)[0].split(".", 1)[0])
        return PolicyError(f"{path}:{line}: {key}: {message}")

    if not isinstance(raw, dict) or raw.get("garrison_baseline") != FORMAT:
        raise bad("garrison_baseline", f"not a garrison baseline (format {FORMAT})")
    for key in ("target", "created"):
        if not isinstance(raw.get(key), str):
            raise bad(key, "must be a string")
    if raw.get("target_kind") not in ("path", "reference"):
        raise bad("target_kind", "must be path or reference")
    if not isinstance(raw.get("findings"), list):
        raise bad("findings", "must be a list")
    for index, entry in enumerate(raw["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise bad(f"findings[{index}].fingerprint", "missing or not a string")
        for key in ("id", "kind"):
            if not isinstance(entry.get(key), str):
                raise bad(f"findings[{index}].{key}", "missing or not a string")
    return raw


def _today() -> date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PolicyError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
