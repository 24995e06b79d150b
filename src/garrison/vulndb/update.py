"""`db update`: fetch each ecosystem's export archive and import the changed ones atomically."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from garrison.errors import DatabaseError
from garrison.vulndb import fetch
from garrison.vulndb.importer import ImportReport, add_items, now_utc
from garrison.vulndb.sources import iter_zip
from garrison.vulndb.store import VulnDB
from garrison.vulndb.writer import Writer


@dataclass(frozen=True, slots=True)
class UpdateResult:
    downloaded: tuple[str, ...]
    unchanged: tuple[str, ...]
    report: ImportReport


def _previous_states(
    db_path: Path, ecosystems: Sequence[str]
) -> dict[str, tuple[str | None, str | None]]:
    if not db_path.exists():
        return {eco: (None, None) for eco in ecosystems}
    try:
        with VulnDB(db_path) as db:
            return {eco: db.source_state(eco) for eco in ecosystems}
    except DatabaseError:
        raise


def update(
    db_path: Path, base_url: str, ecosystems: Sequence[str], timeout: float = 60.0
) -> UpdateResult:
    """Download what changed, then import all of it in one swap; nothing changes on failure."""
    states = _previous_states(db_path, ecosystems)
    report = ImportReport()
    downloaded: list[str] = []
    unchanged: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="garrison-update-") as tmp,
        fetch.make_client(timeout) as client,
    ):
        results = []
        for index, eco in enumerate(ecosystems):
            url = fetch.archive_url(base_url, eco)
            etag, modified = states[eco]
            got = fetch.fetch_archive(client, url, Path(tmp) / f"{index}.zip", etag, modified)
            results.append((eco, got))
            (unchanged if got.path is None else downloaded).append(eco)
        when = now_utc()
        with Writer(db_path) as writer:
            for eco, got in results:
                if got.path is not None:
                    add_items(writer, iter_zip(got.path, f"{eco}/all.zip"), report)
                writer.set_source(eco, got.url, got.etag, got.last_modified, when)
            writer.set_meta("updated_at", when)
    return UpdateResult(tuple(downloaded), tuple(unchanged), report)
