"""The Terraform plan loader (`terraform show -json` output)."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from garrison.iac.loaders import terraform_plan
from garrison.iac.model import Span
from garrison.inventory.readers.base import ReaderError, SourceFile

PLAN = Path(__file__).resolve().parents[2] / "data" / "iac" / "terraform" / "plan" / "tfplan.json"


def test_matches_plan_file_names_only() -> None:
    for name in ("tfplan.json", "plan.json", "prod.tfplan.json", "terraform-plan.json"):
        assert terraform_plan.matches(PurePosixPath(name)), name
    for name in ("package.json", "explanation.json", "plans.json", "main.tf"):
        assert not terraform_plan.matches(PurePosixPath(name)), name


def test_planned_resources_with_modules_and_lines() -> None:
    result = terraform_plan.load(SourceFile("plan/tfplan.json", PLAN.read_bytes()))
    found = {r.name: r for r in result.resources}
    assert sorted(found) == [
        "aws_s3_bucket.data",
        "aws_s3_bucket_versioning.data",
        "aws_security_group.ssh",
        "module.db.aws_db_instance.this[0]",
    ]
    db = found["module.db.aws_db_instance.this[0]"]
    assert (db.source, db.kind, db.file) == ("terraform", "aws_db_instance", "plan/tfplan.json")
    assert db.doc["publicly_accessible"] is True
    assert db.context["module"] == "module.db"
    assert db.span == Span(70, 70)
    assert found["aws_security_group.ssh"].doc["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]


def test_referrers_come_from_the_configuration() -> None:
    result = terraform_plan.load(SourceFile("tfplan.json", PLAN.read_bytes()))
    bucket = next(r for r in result.resources if r.name == "aws_s3_bucket.data")
    assert [r["kind"] for r in bucket.context["referrers"]] == ["aws_s3_bucket_versioning"]


def test_one_line_plan_points_at_line_one() -> None:
    compact = json.dumps(json.loads(PLAN.read_text())).encode()
    result = terraform_plan.load(SourceFile("tfplan.json", compact))
    assert {r.span for r in result.resources} == {Span(1, 1)}


def test_other_json_loads_as_nothing() -> None:
    assert terraform_plan.load(SourceFile("plan.json", b'{"steps": []}')).resources == ()
    assert terraform_plan.load(SourceFile("plan.json", b"[1, 2]")).resources == ()


def test_invalid_json_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match="line 1"):
        terraform_plan.load(SourceFile("plan.json", b'{"planned_values": '))
