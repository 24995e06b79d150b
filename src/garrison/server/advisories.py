"""The server's advisory database: garrison's own VulnDB file (I/O module).

Writes (`update_from_osv`, `import_documents`) go through garrison's `vulndb.update` and
`vulndb.importer` (build aside, then swap), one at a time within the process; reads use
`AdvisoryFile`, a `VulnDB` that also lists every advisory's `modified` (the diff a sync makes
against `advisory_state`), the packages of given advisories and their aliases.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from garrison.vulndb.advisory import Advisory
from garrison.vulndb.importer import ImportReport, add_items, now_utc
from garrison.vulndb.sources import decode
from garrison.vulndb.store import VulnDB
from garrison.vulndb.update import update
from garrison.vulndb.writer import Writer

_WRITE_LOCK = threading.Lock()  # the Writer's temporary file is per process
_CHUNK = 500
MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    imported: int
    problems: tuple[str, ...]  # "SOURCE: message", at most MAX_PROBLEMS


def _outcome(report: ImportReport) -> WriteOutcome:
    problems = tuple(f"{p.source}: {p.message}" for p in report.problems[:MAX_PROBLEMS])
    return WriteOutcome(report.total, problems)


def update_from_osv(path: Path, base_url: str, ecosystems: Sequence[str]) -> WriteOutcome:
    """Download the ecosystems' OSV exports that changed and import them (FetchError, ...
    leave the file as it was)."""
    with _WRITE_LOCK:
        return _outcome(update(path, base_url, ecosystems).report)


def import_documents(path: Path, files: Sequence[tuple[str, bytes]]) -> WriteOutcome:
    """Import uploaded OSV files (JSON or YAML, one entry or a list); bad entries are
    reported as problems, the good ones are imported in one swap."""
    report = ImportReport()
    with _WRITE_LOCK, Writer(path) as writer:
        for label, data in files:
            add_items(writer, decode(data, label), report)
        writer.set_meta("updated_at", now_utc())
    return _outcome(report)


class AdvisoryFile(VulnDB):
    """A read-only VulnDB with the queries a sync needs."""

    def modified_by_id(self) -> dict[str, str]:
        """Every advisory (withdrawn ones too) -> its `modified` text."""
        return dict(self._conn.execute("SELECT id, modified FROM advisories"))

    def packages_of(self, ids: Collection[str]) -> dict[str, set[str]]:
        """Base ecosystem -> package keys the (non-withdrawn) advisories affect."""
        found: dict[str, set[str]] = defaultdict(set)
        query = "SELECT DISTINCT ecosystem, key FROM affected WHERE id IN ({marks})"
        for ecosystem, key in self._select_in(query, ids):
            found[ecosystem].add(key)
        return dict(found)

    def advisories_by_id(self, ids: Collection[str]) -> list[Advisory]:
        """The non-withdrawn advisories among `ids`, each narrowed to one package."""
        wanted = set(ids)
        found: list[Advisory] = []
        for base, keys in sorted(self.packages_of(wanted).items()):
            by_key = self.advisories_for(base, keys)
            for key in sorted(by_key):
                found.extend(a for a in by_key[key] if a.id in wanted)
        return found

    def aliases_of(self, ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """Advisory id -> every other identifier of the same flaw (for policy exceptions
        naming a CVE or another database's id): its aliases, and the advisories that share
        one of them or name it, with their aliases."""
        own = self._own_aliases(ids)
        naming = self._naming({i for ident in ids for i in (ident, *own.get(ident, ()))})
        linked = {n for names in naming.values() for n in names} - set(ids)
        known = {**own, **self._own_aliases(linked)}
        found: dict[str, tuple[str, ...]] = {}
        for ident in ids:
            names = set(own.get(ident, ()))
            for name in (ident, *own.get(ident, ())):
                for other in naming.get(name, ()):
                    names.update((other, *known.get(other, ())))
            names.discard(ident)
            found[ident] = tuple(sorted(names))
        return found

    def linked_ids(self, ids: Collection[str]) -> set[str]:
        """The advisories linked to `ids` through ids and aliases, transitively, `ids`
        included: every advisory whose finding may merge with theirs."""
        found, frontier = set(ids), set(ids)
        while frontier:
            own = self._own_aliases(frontier)
            names = frontier | {alias for aliases in own.values() for alias in aliases}
            naming = self._naming(names)
            reached = {other for others in naming.values() for other in others}
            reached |= self._known(names)
            frontier = reached - found
            found |= frontier
        return found

    def _own_aliases(self, ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        query = "SELECT id, aliases FROM advisories WHERE id IN ({marks})"
        return {ident: tuple(json.loads(aliases)) for ident, aliases in self._select_in(query, ids)}

    def _naming(self, names: Collection[str]) -> dict[str, set[str]]:
        """Identifier -> the advisories that list it as an alias."""
        found: dict[str, set[str]] = defaultdict(set)
        for alias, ident in self._select_in(
            "SELECT alias, id FROM aliases WHERE alias IN ({marks})", names
        ):
            found[alias].add(ident)
        return found

    def _known(self, names: Collection[str]) -> set[str]:
        """The names that are advisory ids in this database."""
        query = "SELECT id FROM advisories WHERE id IN ({marks})"
        return {ident for (ident,) in self._select_in(query, names)}

    def _select_in(self, query: str, values: Collection[str]) -> Iterator[Any]:
        """The rows of `query` for `values`, its `{marks}` filled in chunks of bound values."""
        for chunk in _chunks(sorted(values)):
            yield from self._conn.execute(query.format(marks=",".join("?" * len(chunk))), chunk)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
