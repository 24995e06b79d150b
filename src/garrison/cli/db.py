"""`garrison db import|update|stats|show`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from garrison.cli.common import add_db_flags, err, settings_from, write_output
from garrison.errors import InputError
from garrison.vulndb.store import Stats, VulnDB

if TYPE_CHECKING:
    from garrison.vulndb.importer import ImportReport

_MAX_PROBLEMS_SHOWN = 50


def register(commands: Any) -> None:
    parser = commands.add_parser("db", help="manage the OSV vulnerability database")
    sub = parser.add_subparsers(dest="db_command", required=True, parser_class=type(parser))
    imp = sub.add_parser("import", help="import OSV entries: export layout, zip, dir or files")
    imp.add_argument("sources", nargs="+", metavar="SOURCE")
    imp.set_defaults(handler=run_import)
    upd = sub.add_parser("update", help="download <base-url>/<ECOSYSTEM>/all.zip if changed")
    upd.add_argument("--base-url", help="OSV export base URL (env GARRISON_OSV_URL)")
    upd.add_argument(
        "--ecosystem", action="append", help="ecosystem to fetch; repeat (env GARRISON_ECOSYSTEMS)"
    )
    upd.set_defaults(handler=run_update)
    stats = sub.add_parser("stats", help="advisory counts per ecosystem and last update")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(handler=run_stats)
    show = sub.add_parser("show", help="show an advisory by id or alias (e.g. a CVE id)")
    show.add_argument("id")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=run_show)
    for child in (imp, upd, stats, show):
        add_db_flags(child)


def _print_problems(report: ImportReport) -> None:
    for problem in report.problems[:_MAX_PROBLEMS_SHOWN]:
        err(f"skipped or doubtful: {problem.source}: {problem.message}")
    hidden = len(report.problems) - _MAX_PROBLEMS_SHOWN
    if hidden > 0:
        err(f"... and {hidden} more problem(s)")


def _summary(report: ImportReport) -> str:
    per_eco = ", ".join(f"{eco} {count}" for eco, count in sorted(report.imported.items()))
    return (
        f"imported {report.total} advisories ({per_eco or 'none'}); "
        f"{report.withdrawn} withdrawn; {len(report.problems)} problem(s)\n"
    )


def run_import(args: argparse.Namespace) -> int:
    from garrison.vulndb.importer import import_paths  # pydantic: only loaded when importing

    settings = settings_from(args)
    report = import_paths(settings.db_path, [Path(s) for s in args.sources])
    _print_problems(report)
    write_output(_summary(report), None)
    return 0


def run_update(args: argparse.Namespace) -> int:
    from garrison.vulndb.update import update  # httpx: only loaded when fetching

    settings = settings_from(args)
    result = update(settings.db_path, settings.osv_base_url, settings.ecosystems)
    _print_problems(result.report)
    write_output(
        f"downloaded: {', '.join(result.downloaded) or 'none'}; "
        f"unchanged: {', '.join(result.unchanged) or 'none'}\n" + _summary(result.report),
        None,
    )
    return 0


def _stats_text(stats: Stats) -> str:
    lines = [
        f"database: {stats.path}",
        f"last update: {stats.updated_at or 'never'}",
        f"newest advisory modified: {stats.newest_modified or '-'}",
        f"{'ecosystem':<20} {'advisories':>10} {'withdrawn':>10}",
    ]
    lines += [f"{s.ecosystem:<20} {s.advisories:>10} {s.withdrawn:>10}" for s in stats.ecosystems]
    return "\n".join(lines) + "\n"


def run_stats(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with VulnDB(settings.db_path) as db:
        stats = db.stats()
    if args.format == "json":
        document = {
            "path": stats.path,
            "updated_at": stats.updated_at,
            "newest_modified": stats.newest_modified,
            "ecosystems": {
                s.ecosystem: {"advisories": s.advisories, "withdrawn": s.withdrawn}
                for s in stats.ecosystems
            },
        }
        write_output(json.dumps(document, indent=2) + "\n", None)
    else:
        write_output(_stats_text(stats), None)
    return 0


def run_show(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with VulnDB(settings.db_path) as db:
        documents = db.documents(args.id)
    if not documents:
        raise InputError(f"{args.id}: no advisory has this id or alias")
    if args.format == "json":
        write_output(json.dumps(documents, indent=2, ensure_ascii=False) + "\n", None)
        return 0
    write_output("\n".join(_describe(doc) for doc in documents), None)
    return 0


def _describe(doc: dict[str, Any]) -> str:
    packages = sorted(
        {f"{a['package']['ecosystem']}/{a['package']['name']}" for a in doc.get("affected") or ()}
    )
    summary = doc.get("summary") or (doc.get("details") or "").strip().split("\n")[0]
    lines = [
        f"{doc['id']}{'  (WITHDRAWN ' + doc['withdrawn'] + ')' if doc.get('withdrawn') else ''}",
        f"  aliases:  {', '.join(doc.get('aliases') or []) or '-'}",
        f"  modified: {doc.get('modified')}",
        f"  summary:  {summary}",
        f"  affects:  {', '.join(packages) or '-'}",
    ]
    return "\n".join(lines) + "\n"
