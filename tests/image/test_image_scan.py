"""Images end to end: layers (whiteout, upgrade), OS packages, language packages, EOL, CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from garrison.cli import main
from garrison.image.inventory import inventory_of_image, inventory_of_rootfs
from garrison.image.sources import open_image
from garrison.vulndb.importer import import_paths
from tests.conftest import REPO
from tests.support.oci_builder import (
    ImageSpec,
    LayerSpec,
    file,
    whiteout,
    write_docker_save,
    write_layout,
)

DEBIAN_12 = (
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
    "VERSION_CODENAME=bookworm\n"
)
DEBIAN_10 = (
    'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nID=debian\nVERSION_ID="10"\n'
    "VERSION_CODENAME=buster\n"
)
STATUS = """\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.9-1

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib (1:1.2.13.dfsg-1)
Version: 1:1.2.13.dfsg-1

Package: removed-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
"""
SITE = "usr/lib/python3/dist-packages"


def metadata(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: MIT\n"


def layered(os_release: str = DEBIAN_12) -> ImageSpec:
    """Base: Debian + dpkg + pyyaml 5.3.1 + urllib3 1.26.12; then pyyaml deleted (whiteout);
    then urllib3 upgraded to 2.0.7."""
    base = LayerSpec([
        file("etc/os-release", os_release),
        file("var/lib/dpkg/status", STATUS),
        file(f"{SITE}/PyYAML-5.3.1.dist-info/METADATA", metadata("PyYAML", "5.3.1")),
        file(f"{SITE}/urllib3-1.26.12.dist-info/METADATA", metadata("urllib3", "1.26.12")),
    ])  # fmt: skip
    delete = LayerSpec([whiteout(f"{SITE}/PyYAML-5.3.1.dist-info")], compression="zstd")
    upgrade = LayerSpec([
        whiteout(f"{SITE}/urllib3-1.26.12.dist-info"),
        file(f"{SITE}/urllib3-2.0.7.dist-info/METADATA", metadata("urllib3", "2.0.7")),
    ], compression="none")  # fmt: skip
    return ImageSpec([base, delete, upgrade])


def rows(inventory) -> list[tuple[str, str, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return sorted((c.ecosystem, c.name, c.version, c.source_package) for c in inventory.components)


EXPECTED = [
    ("Debian:12", "libssl3", "3.0.9-1", "openssl"),
    ("Debian:12", "zlib1g", "1:1.2.13.dfsg-1", "zlib"),
    ("PyPI", "urllib3", "2.0.7", None),
]


def test_whiteout_deletes_and_later_layer_upgrades(tmp_path: Path) -> None:
    built = write_docker_save(tmp_path / "app.tar", layered())
    inventory = inventory_of_image(open_image(built.path), today=date(2026, 11, 29))
    assert rows(inventory) == EXPECTED
    assert inventory.findings == ()
    facts = inventory.image
    assert facts is not None
    assert (facts.created, facts.os, len(facts.layers)) == ("2024-05-06T07:08:09Z", "linux", 3)
    assert facts.diff_ids == built.diff_ids


def test_every_source_format_gives_the_same_inventory(tmp_path: Path) -> None:
    archive = write_docker_save(tmp_path / "app.tar", layered()).path
    layout = write_layout(tmp_path / "layout", layered()).path
    first = inventory_of_image(open_image(archive), today=date(2026, 11, 29))
    second = inventory_of_image(open_image(layout), today=date(2026, 11, 29))
    assert rows(first) == rows(second) == EXPECTED


def test_unsupported_os_is_a_high_finding(tmp_path: Path) -> None:
    built = write_docker_save(tmp_path / "old.tar", layered(DEBIAN_10))
    inventory = inventory_of_image(open_image(built.path), today=date(2026, 11, 29))
    (finding,) = inventory.findings
    assert (finding.kind, finding.id, finding.severity.name) == (
        "end-of-life",
        "EOL-debian-10",
        "HIGH",
    )


def test_rootfs_directory(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for rel, text in [
        ("etc/os-release", DEBIAN_12),
        ("var/lib/dpkg/status", STATUS),
        (f"{SITE}/urllib3-2.0.7.dist-info/METADATA", metadata("urllib3", "2.0.7")),
        ("proc/self/status", "not a package database"),
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    inventory = inventory_of_rootfs(root, today=date(2026, 11, 29))
    assert rows(inventory) == EXPECTED


DSA = {
    "id": "DSA-9999-1", "modified": "2024-01-01T00:00:00Z", "summary": "openssl flaw",
    "aliases": ["CVE-2099-0001"],
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u1"}]}]}],
    "database_specific": {"severity": "HIGH"},
}  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "DSA-9999-1.json").write_text(json.dumps(DSA))
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [REPO / "examples" / "advisories", feed])
    return db_path


def test_scan_image_archive_matches_source_packages_and_reports_facts(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = write_docker_save(tmp_path / "app.tar", layered())
    assert main(["scan", str(built.path), "--db", str(db), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [(f["id"], f["package"]["name"], f["location"]["path"]) for f in report["findings"]]
    # pyyaml was deleted by a whiteout and urllib3 upgraded: only the OS package is vulnerable
    assert found == [("DSA-9999-1", "libssl3", "var/lib/dpkg/status")]
    assert report["image"]["digest"] is None or report["image"]["digest"].startswith("sha256:")
    assert [layer["size"] > 0 for layer in report["image"]["layers"]] == [True, True, True]
    assert report["image"]["age"]["basis"] == "created"


def test_sbom_of_an_image_keeps_os_packages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = write_docker_save(tmp_path / "app.tar", layered())
    assert main(["sbom", str(built.path)]) == 0
    document = json.loads(capsys.readouterr().out)
    purls = sorted(c["purl"] for c in document["components"])
    assert purls[0].startswith("pkg:deb/debian/libssl3@3.0.9-1")
    assert purls[-1] == "pkg:pypi/urllib3@2.0.7"


def test_scan_by_reference_from_a_real_registry_and_registry_scan(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.registry import push, pushable, run_registry

    with run_registry(tmp_path / "registry") as registry:
        push(registry, "team/app", "1.4", pushable(layered()))
        push(registry, "team/old", "2", pushable(layered(DEBIAN_10)))
        reference = f"{registry.host}/team/app:1.4"
        argv = ["scan", reference, "--insecure", "--db", str(db), "--format", "json"]
        assert main(argv) == 1
        report = json.loads(capsys.readouterr().out)
        assert [f["id"] for f in report["findings"]] == ["DSA-9999-1"]
        assert report["image"]["reference"] == reference
        state = tmp_path / "state.json"
        scan = ["registry", "scan", registry.host, "--insecure", "--db", str(db),
                "--state", str(state)]  # fmt: skip
        assert main(scan) == 1
        first = json.loads(capsys.readouterr().out)
        assert [(i["reference"], i["passed"]) for i in first["images"]] == [
            (f"{registry.host}/team/app:1.4", False),
            (f"{registry.host}/team/old:2", False),
        ]
        assert main(scan) == 0  # every digest already scanned: nothing new can fail
        second = json.loads(capsys.readouterr().out)
        assert [i["skipped"] for i in second["images"]] == ["digest already scanned"] * 2


def test_cyclonedx_of_an_image_carries_its_facts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    built = write_layout(tmp_path / "layout", layered())
    assert main(["sbom", str(built.path)]) == 0
    text = capsys.readouterr().out
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    metadata = json.loads(text)["metadata"]
    assert metadata["component"]["type"] == "container"
    assert metadata["component"]["version"] == built.digest
    properties = [(p["name"], p["value"]) for p in metadata["properties"]]
    assert ("garrison:image:created", "2024-05-06T07:08:09Z") in properties
    layers = [value for name, value in properties if name == "garrison:image:layer"]
    assert [value.split()[0] for value in layers] == list(built.layer_digests)
