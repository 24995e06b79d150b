"""The Terraform checks: their own tests, their metadata, and exact findings on fixtures
loaded by the Terraform loaders."""

from __future__ import annotations

import importlib.resources
import re
from collections import Counter
from pathlib import Path, PurePosixPath

import pytest

from garrison.iac import checks as builtin
from garrison.iac.engine import Check, check_resources
from garrison.iac.loaders import terraform, terraform_plan
from garrison.iac.registry import parse_checks_text
from garrison.iac.selftest import run_check_tests
from garrison.inventory.readers.base import SourceFile
from tests.conftest import shared_path

DATA = Path(__file__).resolve().parents[2] / "data" / "iac" / "terraform"
FILES = ("terraform_aws.yaml", "terraform_gcp.yaml", "terraform_azure.yaml")
PREFIXES = {"terraform_aws.yaml": "GAR-TF-AWS-", "terraform_gcp.yaml": "GAR-TF-GCP-"}
TRIVY_ID = re.compile(r"^(AWS|GCP|AZU)-\d{4}$")
CHECKOV_ID = re.compile(r"^CKV2?_(AWS|GCP|AZURE)_\d+$")


def load_file(name: str) -> tuple[Check, ...]:
    text = importlib.resources.files(builtin).joinpath(name).read_text(encoding="utf-8")
    return parse_checks_text(text, f"builtin:{name}", "garrison.iac.checks")


CHECKS = tuple(check for name in FILES for check in load_file(name))


def test_files_are_registered_and_ids_unique() -> None:
    assert set(FILES) <= set(builtin.CHECK_FILES)
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 45
    for name in FILES:
        prefix = PREFIXES.get(name, "GAR-TF-AZ-")
        assert all(c.id.startswith(prefix) for c in load_file(name))
    assert all(c.source == "terraform" for c in CHECKS)


def test_every_check_has_passing_fail_and_pass_tests() -> None:
    for check in CHECKS:
        expects = {t["expect"] for t in check.tests}
        assert expects == {"fail", "pass"}, check.id
    failed = [r for r in run_check_tests(CHECKS) if not r.passed]
    assert failed == []


def test_retired_ids_are_not_reused() -> None:
    retired = {
        ident
        for name in builtin.CHECK_FILES
        for line in importlib.resources.files(builtin).joinpath(name).read_text().splitlines()
        if line.startswith("# retired:")
        for ident in line.removeprefix("# retired:").replace(",", " ").split()
    }
    assert retired == {"GAR-TF-AWS-038"}
    assert not retired & {c.id for c in CHECKS}


def test_equivalents_are_tool_ids() -> None:
    for check in CHECKS:
        trivy, checkov = check.equivalents.get("trivy", ()), check.equivalents.get("checkov", ())
        assert all(TRIVY_ID.match(ident) for ident in trivy), check.id
        assert all(CHECKOV_ID.match(ident) for ident in checkov), check.id
    with_any = [c for c in CHECKS if c.equivalents]
    assert len(with_any) >= len(CHECKS) - 2


def findings(folder: str) -> list[tuple[str, str, int | None]]:
    root = DATA / folder
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and terraform.matches(PurePosixPath(p.name))
    }
    loaded = terraform.load_tree(files)
    assert loaded.warnings == ()
    run = check_resources(loaded.resources, CHECKS)
    assert run.warnings == ()
    found = [(f.id, f.location.path, f.location.line) for f in run.findings if f.location]
    return sorted(found, key=lambda f: (f[1], f[2] or 0, f[0]))


def lines(folder: str, file: str = "main.tf") -> list[tuple[str, int | None]]:
    return [(i, line) for i, path, line in findings(folder) if path == file]


AWS_EXPECTED = """
    006 14, 008 14, 009 14, 010 14, 001 16, 008 19, 009 19, 010 19, 001 25, 002 30,
    003 31, 004 32, 005 33, 007 38, 015 53, 011 57, 012 65, 013 65, 014 73, 012 83,
    011 90, 016 98, 016 111, 017 123, 022 129, 018 133, 019 134, 021 135, 020 138,
    023 143, 024 149, 028 155, 026 158, 025 162, 029 169, 030 172, 031 172, 032 172,
    033 175, 034 178, 037 182, 048 182, 035 186, 036 188, 039 195, 040 207, 041 218,
    042 223, 044 233, 043 236, 045 242, 046 245, 047 249, 027 265, 049 278, 050 284,
    051 289
"""
GCP_EXPECTED = """
    002 5, 003 5, 028 5, 029 5, 001 13, 001 19, 004 28, 005 28, 004 38, 005 38, 006 38,
    007 45, 008 64, 009 68, 013 77, 012 80, 010 81, 011 85, 016 91, 017 91, 021 91, 022 91,
    024 91, 014 94, 015 99, 022 104, 018 109, 019 110, 020 117, 025 126, 023 129, 027 139,
    026 140, 030 157, 031 164
"""
AZURE_EXPECTED = """
    003 11, 004 12, 001 13, 005 14, 002 20, 006 35, 007 48, 008 64, 011 74, 009 75,
    010 81, 012 91, 013 94, 015 99, 016 99, 014 104, 017 118, 018 121
"""


def expected(prefix: str, table: str) -> list[tuple[str, int | None]]:
    pairs = [item.split() for item in table.replace("\n", " ").split(",") if item.strip()]
    return sorted(((prefix + n, int(line)) for n, line in pairs), key=lambda f: (f[1], f[0]))


@pytest.mark.parametrize(
    ("folder", "prefix", "table"),
    [
        ("aws_insecure", "GAR-TF-AWS-", AWS_EXPECTED),
        ("gcp_insecure", "GAR-TF-GCP-", GCP_EXPECTED),
        ("azure_insecure", "GAR-TF-AZ-", AZURE_EXPECTED),
    ],
)
def test_exact_findings_on_insecure_configurations(folder: str, prefix: str, table: str) -> None:
    assert lines(folder) == expected(prefix, table)


def test_every_check_fires_on_some_fixture() -> None:
    fired = {
        i for folder in ("aws_insecure", "gcp_insecure", "azure_insecure") for i, _ in lines(folder)
    }
    assert fired == {c.id for c in CHECKS}


def test_secure_configuration_has_no_findings() -> None:
    assert findings("aws_secure") == []


def test_modules_are_checked_with_their_arguments() -> None:
    assert findings("modules_app") == [
        ("GAR-TF-AWS-018", "main.tf", 35),  # publicly_accessible from terraform.tfvars
        ("GAR-TF-AWS-001", "modules/bucket/main.tf", 21),  # acl from module "logs" only
    ]


def test_an_empty_dynamic_block_is_no_block_and_lookups_are_no_clusters() -> None:
    # Trivy GCP-0061 on gke-stateful-postgres' cluster modules: no authorized networks
    # given, so `length(...) == 0 ? [] : [...]` gives the dynamic block no instance (the
    # module called with networks passes); the override file's network_policy replaces
    # the disabled one (no GAR-TF-GCP-017) and is no cluster of its own; the data source
    # that looks the cluster up is no cluster lacking every setting.
    assert findings("gke_module") == [("GAR-TF-GCP-016", "modules/cluster/main.tf", 22)]


def test_eks_module_defaults_and_hybrid_nodes() -> None:
    # Trivy AWS-0038: three of the five control plane log types (line 12); AWS-0131: an
    # instance without root_block_device (line 28), whose metadata service is off, so
    # there is no IMDSv1 finding; AWS-0104: the recommended node rules' all-egress rule,
    # built by `for` expressions (line 91: the rule's cidr_blocks).
    assert findings("eks_hybrid") == [
        ("GAR-TF-AWS-048", "main.tf", 12),
        ("GAR-TF-AWS-025", "main.tf", 28),
        ("GAR-TF-AWS-014", "main.tf", 91),
    ]


def test_plan_resources_are_checked() -> None:
    data = (DATA / "plan" / "tfplan.json").read_bytes()
    loaded = terraform_plan.load(SourceFile("tfplan.json", data))
    run = check_resources(loaded.resources, CHECKS)
    found = Counter(f.id for f in run.findings)
    assert found["GAR-TF-AWS-011"] == 1  # ssh from anywhere
    assert found["GAR-TF-AWS-018"] == 1  # public database in a child module
    assert found["GAR-TF-AWS-009"] == 0  # versioning comes from a separate resource


def test_ignore_comment_suppresses_a_finding() -> None:
    text = b"""\
resource "aws_db_instance" "reporting" {
  storage_encrypted   = true
  deletion_protection = true
  # garrison:ignore[GAR-TF-AWS-018] read replica for the public dashboard
  publicly_accessible = true
}
"""
    loaded = terraform.load(SourceFile("db.tf", text))
    run = check_resources(loaded.resources, CHECKS)
    assert run.findings == () and run.suppressed == 1


def test_unknown_values_never_fail() -> None:
    text = b"""\
resource "aws_db_instance" "db" {
  publicly_accessible = var.public
  storage_encrypted   = var.encrypted
  deletion_protection = local.protect
}
resource "aws_eks_cluster" "c" {
  enabled_cluster_log_types = var.log_types
  vpc_config {
    endpoint_public_access = var.public_endpoint
  }
  encryption_config {
    resources = var.encrypted_resources
  }
}
"""
    loaded = terraform.load(SourceFile("x.tf", text))
    assert check_resources(loaded.resources, CHECKS).findings == ()


def test_findings_on_the_shared_corpus() -> None:
    root = shared_path("corpora", "iac")
    wordpress = "GoogleCloudPlatform__kubernetes-engine-samples/quickstarts/"
    wordpress += "wordpress-persistent-disks/terraform/main.tf"
    data = (root / wordpress).read_bytes()
    loaded = terraform.load(SourceFile(wordpress, data))
    found = {
        (f.id, f.location.line)
        for f in check_resources(loaded.resources, CHECKS).findings
        if f.location
    }
    assert ("GAR-TF-GCP-010", 132) in found  # Cloud SQL with ipv4_enabled = true
    assert ("GAR-TF-GCP-012", 131) in found
