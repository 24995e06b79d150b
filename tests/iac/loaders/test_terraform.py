"""The Terraform loader: resources, spans, evaluation of variables and locals, modules."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from garrison.iac.loaders import terraform
from garrison.iac.model import Resource, Span
from garrison.inventory.readers.base import SourceFile

DATA = Path(__file__).resolve().parents[2] / "data" / "iac" / "terraform"


def load(text: str, path: str = "main.tf") -> dict[str, Resource]:
    result = terraform.load(SourceFile(path, text.encode()))
    assert result.warnings == ()
    return {r.name: r for r in result.resources}


def tree(root: Path) -> dict[str, bytes]:
    found = {}
    for path in root.rglob("*"):
        if path.is_file() and terraform.matches(PurePosixPath(path.name)):
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def test_matches() -> None:
    assert terraform.matches(PurePosixPath("infra/main.tf"))
    assert terraform.matches(PurePosixPath("terraform.tfvars"))
    assert terraform.matches(PurePosixPath("prod.auto.tfvars"))
    assert not terraform.matches(PurePosixPath("main.tf.json"))
    assert not terraform.matches(PurePosixPath("prod.tfvars"))  # only given with -var-file


BUCKET = """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  acl    = "private"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id = "a"
  }
  lifecycle_rule {
    id = "b"
  }
  tags = {
    Team = "ops"
    Env  = "prod"
  }
  ports = [22, 443]
}

data "aws_iam_policy_document" "read" {
  statement {
    actions = ["s3:GetObject"]
  }
}
"""


def test_resources_and_data_sources() -> None:
    found = load(BUCKET)
    assert sorted(found) == ["aws_s3_bucket.logs", "data.aws_iam_policy_document.read"]
    bucket = found["aws_s3_bucket.logs"]
    assert (bucket.source, bucket.kind, bucket.file) == ("terraform", "aws_s3_bucket", "main.tf")
    assert bucket.doc["versioning"] == [{"enabled": True}]
    assert bucket.doc["lifecycle_rule"] == [{"id": "a"}, {"id": "b"}]
    assert bucket.doc["tags"] == {"Team": "ops", "Env": "prod"}
    assert bucket.context["mode"] == "managed" and bucket.context["module"] == ""
    data = found["data.aws_iam_policy_document.read"]
    assert data.kind == "aws_iam_policy_document" and data.context["mode"] == "data"
    assert data.doc == {"statement": [{"actions": ["s3:GetObject"]}]}


def test_spans_of_blocks_attributes_and_literals() -> None:
    bucket = load(BUCKET)["aws_s3_bucket.logs"]
    assert bucket.span == Span(1, 20)
    spans = bucket.spans
    assert spans[("acl",)] == Span(3, 3)
    assert spans[("versioning",)] == Span(5, 7)
    assert spans[("versioning", 0, "enabled")] == Span(6, 6)
    assert spans[("lifecycle_rule",)] == Span(9, 14)
    assert spans[("lifecycle_rule", 1)] == Span(12, 14)
    assert spans[("lifecycle_rule", 1, "id")] == Span(13, 13)
    assert spans[("tags",)] == Span(15, 18)
    assert spans[("tags", "Env")] == Span(17, 17)
    assert spans[("ports", 1)] == Span(19, 19)


def test_variables_locals_and_functions() -> None:
    text = """\
variable "env" {
  default = "prod"
}
variable "open" {
  type    = bool
  default = false
}
variable "no_default" {}
locals {
  name   = "shop-${var.env}"
  tags   = merge({ Env = var.env }, { Name = local.name })
  ports  = concat([22], [443])
  public = !var.open
}
resource "aws_s3_bucket" "b" {
  bucket   = "${local.name}-data"
  tags     = local.tags
  ports    = local.ports
  public   = local.public ? "yes" : "no"
  lowered  = lower("ABC")
  missing  = var.no_default
  computed = aws_kms_key.k.arn
  count    = var.open ? 0 : 1
  sum      = 1 + 2
  env      = lookup({ prod = "p" }, var.env, "x")
}
"""
    doc = load(text)["aws_s3_bucket.b[0]"].doc
    assert doc["bucket"] == "shop-prod-data"
    assert doc["tags"] == {"Env": "prod", "Name": "shop-prod"}
    assert doc["ports"] == [22, 443]
    assert doc["public"] == "yes"
    assert doc["lowered"] == "abc"
    assert doc["missing"] == "${var.no_default}"
    assert doc["computed"] == "${aws_kms_key.k.arn}"
    assert doc["count"] == 1
    assert doc["sum"] == 3
    assert doc["env"] == "p"


def test_unknown_parts_stay_readable() -> None:
    text = """\
resource "aws_iam_policy" "p" {
  name = "${var.prefix}-${data.aws_region.current.name}"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = aws_s3_bucket.b.arn
    }]
  })
  heredoc = <<-EOT
    {"Action": "${local.action}"}
  EOT
}
locals {
  action = "s3:*"
}
"""
    doc = load(text)["aws_iam_policy.p"].doc
    assert doc["name"] == "${var.prefix}-${data.aws_region.current.name}"
    policy = json.loads(doc["policy"])
    assert policy["Statement"][0]["Action"] == "*"
    assert policy["Statement"][0]["Resource"] == "${aws_s3_bucket.b.arn}"
    assert doc["heredoc"] == '{"Action": "s3:*"}'


def test_count_zero_and_empty_for_each_create_nothing() -> None:
    text = """\
variable "create" {
  default = false
}
resource "aws_s3_bucket" "off" {
  count = var.create ? 1 : 0
}
resource "aws_s3_bucket" "none" {
  for_each = {}
}
resource "aws_s3_bucket" "unknown" {
  count = length(var.names)
}
"""
    assert sorted(load(text)) == ["aws_s3_bucket.unknown"]


def test_dynamic_blocks_expand_known_for_each() -> None:
    text = """\
locals {
  rules = [
    { port = 22, cidr = "0.0.0.0/0" },
    { port = 443, cidr = "10.0.0.0/8" },
  ]
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = local.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      cidr_blocks = [ingress.value.cidr]
    }
  }
  dynamic "egress" {
    for_each = var.egress
    iterator = rule
    content {
      from_port = rule.value.port
    }
  }
}
"""
    sg = load(text)["aws_security_group.sg"]
    assert [r["from_port"] for r in sg.doc["ingress"]] == [22, 443]
    assert sg.doc["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]
    assert sg.doc["egress"] == [{"from_port": "${rule.value.port}"}]
    assert sg.spans[("ingress", 1)] == Span(8, 15)


def test_ignore_comments_are_collected() -> None:
    text = """\
# garrison:ignore[GAR-TF-AWS-001, GAR-TF-AWS-006] public website bucket
resource "aws_s3_bucket" "site" {
  acl = "public-read" // garrison:ignore[GAR-TF-AWS-009]
}
"""
    ignores = load(text)["aws_s3_bucket.site"].context["ignores"]
    assert ignores == {1: ["GAR-TF-AWS-001", "GAR-TF-AWS-006"], 3: ["GAR-TF-AWS-009"]}


def test_referrers_by_address_and_by_bucket_name() -> None:
    text = """\
resource "aws_s3_bucket" "b" {
  bucket = "acme-b"
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_logging" "b" {
  bucket        = "acme-b"
  target_bucket = "logs"
}
resource "aws_s3_bucket" "other" {
  bucket = "acme-other"
}
"""
    found = load(text)
    referrers = found["aws_s3_bucket.b"].context["referrers"]
    assert sorted(r["name"] for r in referrers) == [
        "aws_s3_bucket_logging.b",
        "aws_s3_bucket_versioning.b",
    ]
    assert referrers[0]["doc"]["bucket"] in ("${aws_s3_bucket.b.id}", "acme-b")
    assert found["aws_s3_bucket.other"].context["referrers"] == ()


def test_syntax_error_is_a_warning_with_the_line() -> None:
    data = (DATA / "broken" / "main.tf").read_bytes()
    result = terraform.load(SourceFile("broken/main.tf", data))
    assert result.resources == ()
    (warning,) = result.warnings
    assert warning.source == "broken/main.tf" and warning.line == 6
    assert warning.message.startswith("line 6: HCL syntax error")


def test_bad_encoding_is_a_warning() -> None:
    result = terraform.load(SourceFile("x.tf", b"\xff\xfe\x00"))
    assert result.resources == () and "UTF-8" in result.warnings[0].message


def test_local_modules_get_the_callers_arguments() -> None:
    result = terraform.load_tree(tree(DATA / "modules_app"))
    assert result.warnings == ()
    found = {r.name: r for r in result.resources}
    logs = found["module.logs.aws_s3_bucket.this"]
    assert logs.file == "modules/bucket/main.tf"
    assert logs.doc["acl"] == "public-read"
    assert logs.doc["tags"] == {"Name": "acme-logs"}
    assert logs.spans[("acl",)] == Span(21, 21)
    assert logs.context["module"] == "module.logs"
    kinds = sorted(r["kind"] for r in logs.context["referrers"])
    assert "aws_s3_bucket_versioning" in kinds
    assert found["module.private.aws_s3_bucket.this"].doc["acl"] == "private"
    assert not any(name.startswith("module.disabled.") for name in found)
    # terraform.tfvars of the root overrides the variable's default
    assert found["aws_db_instance.main"].doc["publicly_accessible"] is True


def test_load_module_follows_calls_through_read_dir() -> None:
    files = tree(DATA / "modules_app")
    root = {k: v for k, v in files.items() if "/" not in k}
    module = {k: v for k, v in files.items() if k.startswith("modules/bucket/")}

    def read_dir(directory: str) -> dict[str, bytes] | None:
        return module if directory == "modules/bucket" else None

    result = terraform.load_module(root, "", read_dir)
    names = {r.name for r in result.resources}
    assert "module.logs.aws_s3_bucket.this" in names
    assert "aws_db_instance.main" in names
    alone = terraform.load_module(root, "")
    assert {r.name for r in alone.resources} == {"aws_db_instance.main"}


def test_load_tree_evaluates_called_directories_through_their_callers() -> None:
    module = (
        b'variable "acl" {\n  default = "private"\n}\n'
        b'resource "aws_s3_bucket" "b" {\n  acl = var.acl\n}\n'
    )
    example = b'module "root" {\n  source = "../.."\n  acl    = "public-read"\n}\n'
    unused = b'resource "aws_s3_bucket" "u" {\n  acl = "private"\n}\n'
    result = terraform.load_tree(
        {"main.tf": module, "examples/public/main.tf": example, "lonely/main.tf": unused}
    )
    found = {r.name: r for r in result.resources}
    assert sorted(found) == ["aws_s3_bucket.u", "module.root.aws_s3_bucket.b"]
    assert found["module.root.aws_s3_bucket.b"].doc["acl"] == "public-read"
    assert found["module.root.aws_s3_bucket.b"].file == "main.tf"


def test_module_cycles_and_depth_are_bounded() -> None:
    call_self = b'module "again" {\n  source = "./"\n}\nresource "null_resource" "n" {}\n'
    a = b'module "b" {\n  source = "../b"\n}\n'
    b = b'module "a" {\n  source = "../a"\n}\nresource "null_resource" "x" {}\n'
    result = terraform.load_tree({"self/main.tf": call_self, "a/main.tf": a, "b/main.tf": b})
    assert "null_resource.n" in {r.name for r in result.resources}
    assert any(r.kind == "null_resource" and r.file == "b/main.tf" for r in result.resources)


def test_module_sources_outside_the_scan_are_not_followed() -> None:
    text = b'module "up" {\n  source = "../../elsewhere"\n}\n'
    assert terraform.load_tree({"main.tf": text}).resources == ()


def test_for_each_with_known_keys_gives_one_resource_each() -> None:
    text = """\
resource "aws_security_group_rule" "r" {
  for_each = {
    ssh   = { port = 22, cidr = "0.0.0.0/0" }
    https = { port = 443, cidr = "10.0.0.0/8" }
  }
  type        = "ingress"
  from_port   = each.value.port
  cidr_blocks = [each.value.cidr]
  description = each.key
}
resource "aws_s3_bucket" "b" {
  for_each = toset(["a", "b"])
  bucket   = "acme-${each.key}"
}
resource "aws_s3_bucket" "unknown" {
  for_each = var.buckets
  bucket   = each.key
}
"""
    found = load(text)
    assert found['aws_security_group_rule.r["ssh"]'].doc["from_port"] == 22
    assert found['aws_security_group_rule.r["https"]'].doc["cidr_blocks"] == ["10.0.0.0/8"]
    assert found['aws_s3_bucket.b["b"]'].doc["bucket"] == "acme-b"
    assert found["aws_s3_bucket.unknown"].doc["bucket"] == "${each.key}"


def test_a_single_file_reads_the_directorys_tfvars() -> None:
    root = DATA / "modules_app"

    def sibling(name: str) -> bytes | None:
        path = root / name
        return path.read_bytes() if path.is_file() else None

    source = SourceFile("main.tf", (root / "main.tf").read_bytes(), sibling)
    found = {r.name: r for r in terraform.load(source).resources}
    assert found["aws_db_instance.main"].doc["publicly_accessible"] is True


def test_a_known_count_gives_one_resource_per_index() -> None:
    # terraform-aws-vpc's network ACL rules: `var.rules[count.index]` (Trivy AWS-0105).
    text = """\
variable "rules" {
  default = [
    { rule_number = 100, cidr_block = "0.0.0.0/0" },
    { rule_number = 200, cidr_block = "10.0.0.0/8" },
  ]
}
resource "aws_network_acl_rule" "in" {
  count       = length(var.rules)
  rule_number = var.rules[count.index]["rule_number"]
  cidr_block  = lookup(var.rules[count.index], "cidr_block", null)
}
resource "aws_network_acl_rule" "many" {
  count       = 250
  rule_number = count.index
}
resource "aws_network_acl_rule" "same" {
  count = 3
}
resource "aws_network_acl_rule" "unknown" {
  count       = length(var.given)
  rule_number = count.index
}
"""
    found = load(text)
    assert found["aws_network_acl_rule.in[0]"].doc["rule_number"] == 100
    assert found["aws_network_acl_rule.in[1]"].doc["cidr_block"] == "10.0.0.0/8"
    assert found["aws_network_acl_rule.in[1]"].span == Span(7, 11)
    # at most MAX_DYNAMIC instances; identical instances are kept once
    assert "aws_network_acl_rule.in" not in found
    many = [name for name in found if name.startswith("aws_network_acl_rule.many[")]
    assert len(many) == 100 and many[-1] == "aws_network_acl_rule.many[99]"
    assert [name for name in found if ".same" in name] == ["aws_network_acl_rule.same[0]"]
    assert found["aws_network_acl_rule.unknown"].doc["rule_number"] == "${count.index}"


def test_a_dynamic_block_with_unknown_for_each_is_marked_unknown() -> None:
    text = """\
resource "aws_security_group" "sg" {
  ingress {
    from_port = 443
  }
  dynamic "ingress" {
    for_each = var.extra
    content {
      from_port   = 22
      cidr_blocks = ["0.0.0.0/0"]
      dynamic "inner" {
        for_each = ingress.value.inner
        content {}
      }
    }
  }
  dynamic "egress" {
    for_each = [var.one]
    content {
      from_port = egress.value
    }
  }
}
"""
    sg = load(text)["aws_security_group.sg"]
    # the contents as written, in case it is there; the engine knows it may not be
    assert sg.doc["ingress"][1] == {"from_port": 22, "cidr_blocks": ["0.0.0.0/0"], "inner": [{}]}
    assert sg.context["unknown_blocks"] == (("ingress", 1), ("ingress", 1, "inner", 0))
    # a list of known length, even with unknown elements, gives known instances
    assert sg.doc["egress"] == [{"from_port": "${var.one}"}]
