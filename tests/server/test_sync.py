"""Advisory syncs: only changed advisories are re-matched against the component index; their
findings, issues and deliveries are recorded; a sync killed half-way resumes (both DBs)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from garrison.errors import DatabaseError
from garrison.server import sync
from garrison.server.config import FreshnessLimits, ServerSettings, TeamSettings
from garrison.server.db.models import AdvisoryState, AuditEntry, Delivery, Finding, Meta
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.evaluation_helpers import (
    DAY,
    NOW,
    add_artifact,
    context,
    evaluation_client,
    findings_table,
    issues_table,
    osv,
)
from tests.support.httpserver import serve

HOOK = {"hook": {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret_env": "X"}}


@pytest.fixture
def server(settings: ServerSettings, database: Database) -> Any:
    teams = {"alpha": TeamSettings(sinks=HOOK), "beta": TeamSettings()}
    return context(settings.model_copy(update={"teams": teams}), database)


@pytest.fixture
def inventory(database: Database) -> None:
    with database.session_scope() as session:
        add_artifact(
            session, "sha256:a1", "shop", [("PyPI", "PyYAML", "5.3"), ("PyPI", "rich", "13")]
        )
        add_artifact(session, "sha256:b1", "cart", [("PyPI", "pyyaml", "6.0")], team="beta")
        add_artifact(session, "sha256:c1", "search", [("PyPI", "requests", "2.0")], team="beta")
        add_artifact(session, "sha256:d1", "pay", [("npm", "pyyaml", "1.0")])


def test_an_uploaded_advisory_finds_every_affected_artifact_and_opens_issues(
    server: Any, database: Database, inventory: None
) -> None:
    report = sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    assert (report.changed_advisories, report.findings_created, report.findings_changed) == (
        1,
        1,
        0,
    )
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [("sha256:a1", "PyYAML", "GHSA-y1", "new", None)]
        finding = session.scalar(select(Finding))
        assert finding is not None
        assert (finding.kind, finding.severity, finding.fixed_versions) == (
            "vulnerability",
            "UNKNOWN",
            ["5.4"],
        )
        assert finding.first_seen_at == NOW
        assert issues_table(session) == [
            ("alpha|shop|PyPI:pyyaml", "open", "PyPI:pyyaml in shop: 1 finding (UNKNOWN)")
        ]
        keys = session.scalars(select(Delivery.idempotency_key)).all()
        assert keys == ["alpha|shop|PyPI:pyyaml:opened:1:hook"]
        assert session.scalar(select(AdvisoryState.modified)) == "2024-01-01T00:00:00Z"
        assert session.get(Meta, sync.LAST_CHANGED).value == "1"  # type: ignore[union-attr]
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "advisories.sync")
        ).one()
        assert (entry.actor, entry.details["findings_created"], entry.details["issues_opened"]) == (
            "ci",
            1,
            1,
        )


def test_a_sync_without_changes_matches_nothing_and_promotes_new_to_open(
    server: Any, database: Database, inventory: None
) -> None:
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    report = sync.rematch_changed(server)
    assert (report.changed_advisories, report.findings_created, report.findings_changed) == (
        0,
        0,
        0,
    )
    assert (report.issues.opened, report.issues.updated, report.issues.deliveries) == ([], [], 0)
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [("sha256:a1", "PyYAML", "GHSA-y1", "open", None)]


def test_only_changed_advisories_are_rematched(
    server: Any, database: Database, inventory: None
) -> None:
    sync.upload_advisories(
        server, [osv("GHSA-y1", "PyYAML", "5.4"), osv("GHSA-r1", "requests", "3")], actor="ci"
    )
    with database.session_scope() as session:  # tamper: an unchanged advisory's finding
        session.execute(
            update(Finding).where(Finding.rule_id == "GHSA-r1").values(state="acknowledged")
        )
    report = sync.upload_advisories(
        server, [osv("GHSA-y1", "PyYAML", "7.0", modified="2024-02-01T00:00:00Z")], actor="ci"
    )
    assert report.changed_advisories == 1
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            ("sha256:a1", "PyYAML", "GHSA-y1", "open", None),
            ("sha256:b1", "pyyaml", "GHSA-y1", "new", None),
            ("sha256:c1", "requests", "GHSA-r1", "acknowledged", None),
        ]
        assert issues_table(session) == [
            ("alpha|shop|PyPI:pyyaml", "open", "PyPI:pyyaml in shop: 1 finding (UNKNOWN)"),
            ("beta|cart|PyPI:pyyaml", "open", "PyPI:pyyaml in cart: 1 finding (UNKNOWN)"),
            ("beta|search|PyPI:requests", "open", "PyPI:requests in search: 1 finding (UNKNOWN)"),
        ]


def test_a_narrowed_or_withdrawn_advisory_resolves_and_closes(
    server: Any, database: Database, inventory: None
) -> None:
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "7.0")], actor="ci")
    sync.upload_advisories(
        server, [osv("GHSA-y1", "PyYAML", "5.0", modified="2024-02-01T00:00:00Z")], actor="ci"
    )
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            (
                "sha256:a1",
                "PyYAML",
                "GHSA-y1",
                "resolved",
                "GHSA-y1 was updated and no longer affects this version",
            ),
            (
                "sha256:b1",
                "pyyaml",
                "GHSA-y1",
                "resolved",
                "GHSA-y1 was updated and no longer affects this version",
            ),
        ]
        assert [i[:2] for i in issues_table(session)] == [
            ("alpha|shop|PyPI:pyyaml", "closed"),
            ("beta|cart|PyPI:pyyaml", "closed"),
        ]
    withdrawn = osv(
        "GHSA-y1",
        "PyYAML",
        "7.0",
        modified="2024-03-01T00:00:00Z",
        withdrawn="2024-03-01T00:00:00Z",
    )
    sync.upload_advisories(
        server, [osv("GHSA-y1", "PyYAML", "7.0", modified="2024-02-15T00:00:00Z")], actor="ci"
    )
    report = sync.upload_advisories(server, [withdrawn], actor="ci")
    assert len(report.issues.closed) == 2
    with database.session_scope(write=False) as session:
        assert {row[3:] for row in findings_table(session)} == {
            ("resolved", "GHSA-y1 was withdrawn or removed from the advisory database")
        }
        keys = sorted(session.scalars(select(Delivery.idempotency_key)))
    assert keys == [
        "alpha|shop|PyPI:pyyaml:closed:1:hook", "alpha|shop|PyPI:pyyaml:closed:2:hook",
        "alpha|shop|PyPI:pyyaml:opened:1:hook", "alpha|shop|PyPI:pyyaml:opened:2:hook",
    ]  # fmt: skip


def test_a_sync_killed_half_way_resumes_where_it_stopped(
    server: Any, database: Database, inventory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [osv("GHSA-r1", "requests", "3"), osv("GHSA-y1", "PyYAML", "5.4")]
    monkeypatch.setattr(sync, "BATCH", 1)
    real = sync._rematch_batch
    calls: list[list[str]] = []

    def dies_on_second(session: Any, ev: Any, advisories: Any, ids: list[str]) -> Any:
        calls.append(ids)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped in the middle of a batch
        return real(session, ev, advisories, ids)

    monkeypatch.setattr(sync, "_rematch_batch", dies_on_second)
    with pytest.raises(KeyboardInterrupt):
        sync.upload_advisories(server, files, actor="ci")
    with database.session_scope(write=False) as session:
        assert session.scalars(select(AdvisoryState.advisory_id)).all() == ["GHSA-r1"]
        assert findings_table(session) == [("sha256:c1", "requests", "GHSA-r1", "new", None)]
    monkeypatch.setattr(sync, "_rematch_batch", real)
    offline = server.settings.model_copy(
        update={"osv_base_url": "http://127.0.0.1:9", "osv_ecosystems": ("PyPI",)}
    )
    report = sync.run_once(context(offline, database))  # the job a restart runs first
    assert report.problems[0].startswith("http://127.0.0.1:9/PyPI/all.zip: download failed")
    assert report.changed_advisories == 1
    with database.session_scope(write=False) as session:
        assert [row[:3] for row in findings_table(session)] == [
            ("sha256:a1", "PyYAML", "GHSA-y1"), ("sha256:c1", "requests", "GHSA-r1"),
        ]  # fmt: skip


def test_full_rematch_repairs_what_the_incremental_path_did_not_see(
    server: Any, database: Database, inventory: None
) -> None:
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "7.0")], actor="ci")
    with database.session_scope() as session:
        session.execute(delete(Finding).where(Finding.rule_id == "GHSA-y1"))
        add_artifact(
            session, "sha256:e1", "late", [("PyPI", "pyyaml", "1.0")], uploaded_at=NOW - 2 * DAY
        )
    report = sync.full_rematch(server)
    assert report.findings_created == 3
    with database.session_scope(write=False) as session:
        assert [row[:4] for row in findings_table(session)] == [
            ("sha256:a1", "PyYAML", "GHSA-y1", "new"), ("sha256:b1", "pyyaml", "GHSA-y1", "new"),
            ("sha256:e1", "pyyaml", "GHSA-y1", "new"),
        ]  # fmt: skip


def test_no_advisory_database_is_an_error_not_a_clean_bill(server: Any) -> None:
    with pytest.raises(DatabaseError, match="no advisory database yet"):
        sync.rematch_changed(server)


# --- through the API ---------------------------------------------------------------------


def _mirror(root: Path, *files: tuple[str, bytes]) -> Path:
    (root / "PyPI").mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(root / "PyPI" / "all.zip", "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    return root


def test_sync_on_demand_fetches_osv_and_rematches(
    settings: ServerSettings, database: Database, inventory: None, tmp_path: Path,
    make_token: Callable[..., str],
) -> None:  # fmt: skip
    mirror = _mirror(tmp_path / "osv", osv("GHSA-y1", "PyYAML", "5.4"))
    with serve(mirror) as (url, state):
        server_settings = settings.model_copy(
            update={"osv_base_url": url, "osv_ecosystems": ("PyPI",)}
        )
        with evaluation_client(server_settings, database) as client:
            viewer = auth(make_token("viewer", "alpha"))
            assert client.post("/api/v1/advisories/sync", headers=viewer).status_code == 403
            uploader = auth(make_token("uploader", "alpha"))
            answer = client.post("/api/v1/advisories/sync", headers=uploader)
            assert answer.status_code == 200
            body = answer.json()
            wanted = ("changed_advisories", "findings_created", "issues_opened")
            assert {k: body[k] for k in wanted} == {
                "changed_advisories": 1, "findings_created": 1, "issues_opened": 1,
            }  # fmt: skip
            again = client.post("/api/v1/advisories/sync", headers=uploader).json()
            assert again["changed_advisories"] == 0
            state.truncate.add("/PyPI/all.zip")
            (mirror / "PyPI" / "all.zip").write_bytes(
                (mirror / "PyPI" / "all.zip").read_bytes() * 2
            )
            broken = client.post("/api/v1/advisories/sync", headers=uploader)
    assert [r.path for r in state.requests] == ["/PyPI/all.zip"] * 3
    assert broken.status_code == 502
    assert broken.json()["detail"].startswith("the advisory download failed: ")


def test_uploading_osv_files_needs_a_global_admin_and_reports_problems(
    settings: ServerSettings, database: Database, inventory: None, make_token: Callable[..., str],
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    name, data = osv("GHSA-y1", "PyYAML", "5.4")
    with evaluation_client(settings, database) as client:
        team_admin = auth(make_token("admin", "alpha"))
        assert (
            client.post(
                "/api/v1/advisories",
                content=data,
                headers={**team_admin, "content-type": "application/json"},
            ).status_code
            == 403
        )
        files = [
            ("files", (name, data, "application/json")),
            ("files", ("bad.json", b"{nope", "application/json")),
        ]
        answer = client.post("/api/v1/advisories", files=files, headers=admin_headers)
        assert answer.status_code == 200
        assert answer.json()["findings_created"] == 1
        assert answer.json()["problems"] == [
            "upload/bad.json: malformed JSON at line 1 column 2: "
            "Expecting property name enclosed in double quotes"
        ]
        bad = client.post(
            "/api/v1/advisories",
            content=b'{"id": 1}',
            headers={**admin_headers, "content-type": "application/json"},
        )
        assert bad.status_code == 422
        assert bad.json()["detail"].startswith("no advisory imported: upload.json: ")
        listed = client.get(
            "/api/v1/findings", params={"state": "new"}, headers=auth(make_token("viewer", "beta"))
        ).json()
        assert listed == {"items": [], "total": 0}
        mine = client.get("/api/v1/findings", headers=auth(make_token("viewer", "alpha"))).json()
        assert [
            (f["artifact"], f["package"], f["version"], f["rule_id"], f["state"])
            for f in mine["items"]
        ] == [("sha256:a1", "PyPI:PyYAML", "5.3", "GHSA-y1", "open")]  # the failed upload synced


def test_an_uploaded_sbom_is_matched_in_its_upload(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    sync.upload_advisories(
        context(settings, database), [osv("GHSA-y1", "PyYAML", "5.4")], actor="t"
    )
    component = {
        "type": "library",
        "name": "PyYAML",
        "version": "5.3",
        "purl": "pkg:pypi/pyyaml@5.3",
    }
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [component]}
    with evaluation_client(settings, database) as client:
        headers = auth(make_token("uploader", "alpha"))
        answer = client.post(
            "/api/v1/artifacts",
            json={"key": "sha256:new", "name": "shop", "sbom": sbom},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        found = client.get("/api/v1/findings", headers=headers).json()["items"]
    assert [
        (f["artifact"], f["package"], f["rule_id"], f["state"], f["fixed_versions"]) for f in found
    ] == [("sha256:new", "PyPI:pyyaml", "GHSA-y1", "new", ["5.4"])]


def test_the_scheduled_job_logs_a_failed_download_and_still_reconciles(
    server: Any, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    limits = FreshnessLimits(max_image_age=30 * DAY)
    settings = server.settings.model_copy(update={
        "osv_base_url": "http://127.0.0.1:9", "osv_ecosystems": ("PyPI",), "freshness": limits,
    })  # fmt: skip
    with database.session_scope() as session:
        add_artifact(session, "sha256:old", "shop", [], created_at=NOW - 40 * DAY)
    with caplog.at_level("ERROR", logger="garrison.server.sync"):
        report = sync.run_once(context(settings, database))
    assert report.problems[0].startswith("http://127.0.0.1:9/PyPI/all.zip: download failed")
    assert [r.getMessage()[:26] for r in caplog.records] == ["advisory sync failed: http"]
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [("sha256:old", None, "GAR-FRESH-001", "new", None)]


def test_advisories_of_one_flaw_make_one_finding_rebuilt_as_they_change(
    server: Any, database: Database, inventory: None
) -> None:
    """GHSA first (its own finding), then the PYSEC entry naming it: one finding under the
    PYSEC id with the GHSA's severity, the GHSA one resolved as merged; withdrawing the PYSEC
    entry brings the GHSA finding back. One issue throughout (per package)."""
    critical = {"database_specific": {"severity": "CRITICAL"}}
    ghsa = osv("GHSA-aaaa-bbbb-cccc", "PyYAML", "5.4", aliases=["CVE-2020-1"], **critical)
    sync.upload_advisories(server, [ghsa], actor="ci")
    pysec = osv("PYSEC-2021-1", "PyYAML", "5.4", aliases=["CVE-2020-1", "GHSA-aaaa-bbbb-cccc"])
    report = sync.upload_advisories(server, [pysec], actor="ci")
    assert (report.changed_advisories, report.findings_created) == (1, 1)
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            ("sha256:a1", "PyYAML", "GHSA-aaaa-bbbb-cccc", "resolved",
             "GHSA-aaaa-bbbb-cccc is the same flaw as PYSEC-2021-1, reported under that id"),
            ("sha256:a1", "PyYAML", "PYSEC-2021-1", "new", None),
        ]  # fmt: skip
        merged = session.scalars(select(Finding).where(Finding.rule_id == "PYSEC-2021-1")).one()
        assert (merged.severity, merged.fixed_versions) == ("CRITICAL", ["5.4"])
        assert [row[1] for row in issues_table(session)] == ["open"]
    withdrawn = osv("PYSEC-2021-1", "PyYAML", "5.4", aliases=["CVE-2020-1"],
                    modified="2024-02-01T00:00:00Z", withdrawn="2024-02-01T00:00:00Z")  # fmt: skip
    sync.upload_advisories(server, [withdrawn], actor="ci")
    with database.session_scope(write=False) as session:
        assert [row[2:4] for row in findings_table(session)] == [
            ("GHSA-aaaa-bbbb-cccc", "new"), ("PYSEC-2021-1", "resolved"),
        ]  # fmt: skip
        assert [row[1] for row in issues_table(session)] == ["open"]


def test_an_exception_naming_any_id_of_a_merged_flaw_suppresses_it(
    settings: ServerSettings, database: Database, inventory: None, tmp_path: Path
) -> None:
    policy = tmp_path / "alpha.yaml"
    policy.write_text(
        "version: 1\nexceptions:\n  - id: CVE-2020-1\n    reason: not loaded from users\n"
        "    owner: alpha@example.com\n    expires: 2099-01-01\n"
    )
    teams = {"alpha": TeamSettings(policy=policy), "beta": TeamSettings()}
    server = context(settings.model_copy(update={"teams": teams}), database)
    files = [
        osv("GHSA-aaaa-bbbb-cccc", "PyYAML", "5.4", aliases=["CVE-2020-1"]),
        osv("PYSEC-2021-1", "PyYAML", "5.4", aliases=["GHSA-aaaa-bbbb-cccc"]),
    ]
    sync.upload_advisories(server, files, actor="ci")
    with database.session_scope(write=False) as session:
        assert [row[2:4] for row in findings_table(session)] == [("PYSEC-2021-1", "suppressed")]
