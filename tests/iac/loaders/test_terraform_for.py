"""`for` expressions, evaluated by the loader over known collections."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.iac.loaders import terraform
from garrison.inventory.readers.base import SourceFile
from tests.iac.loaders.test_terraform_functions import value


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[for r in var.rules : r.name]", ["ssh", "https"]),
        ("[for r in var.rules : r.port if r.open]", [22]),
        ("[for i, r in var.rules : i]", [0, 1]),
        ("[for k, v in var.tags : k]", ["env", "team"]),  # maps in key order
        ("{ for r in var.rules : r.name => r.port }", {"ssh": 22, "https": 443}),
        ('{ for k, v in var.tags : upper(k) => v if k != "env" }', {"TEAM": "ops"}),
        ("{ for r in var.rules : r.open => r.name... }", {"true": ["ssh"], "false": ["https"]}),
        ("[for r in var.rules : r.missing]", ["${r.missing}", "${r.missing}"]),
    ],
)
def test_for_expressions_over_known_collections(expression: str, expected: Any) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "[for r in var.given : r.name]",  # the collection is unknown
        "[for r in var.rules : r if r.missing]",  # the condition is unknown
        "{ for r in var.rules : r.missing => r }",  # a key is unknown
        '{ for r in var.rules : "same" => r }',  # duplicate keys: an error
    ],
)
def test_for_expressions_that_cannot_be_known(expression: str) -> None:
    assert value(expression) == "${" + expression + "}"


def test_eks_recommended_rules_reach_the_resource() -> None:
    # terraform-aws-eks node_groups.tf (Trivy AWS-0104): a `for_each` over a `for`
    # expression merging rule maps, filtered by a flag.
    text = """\
variable "enable_recommended_rules" {
  default = true
}
locals {
  recommended = { for k, v in {
    egress_all = { protocol = "-1", from_port = 0, to_port = 0, type = "egress",
                   cidr_blocks = ["0.0.0.0/0"] }
    ingress_self = { protocol = "tcp", from_port = 1025, to_port = 65535, type = "ingress" }
  } : k => v if var.enable_recommended_rules }
}
resource "aws_security_group_rule" "node" {
  for_each    = { for k, v in merge(local.recommended, {}) : k => v if true }
  type        = each.value.type
  protocol    = each.value.protocol
  cidr_blocks = try(each.value.cidr_blocks, null)
}
"""
    result = terraform.load(SourceFile("main.tf", text.encode()))
    found = {r.name: r.doc for r in result.resources}
    assert sorted(found) == [
        'aws_security_group_rule.node["egress_all"]',
        'aws_security_group_rule.node["ingress_self"]',
    ]
    egress = found['aws_security_group_rule.node["egress_all"]']
    assert (egress["type"], egress["protocol"], egress["cidr_blocks"]) == (
        "egress",
        "-1",
        ["0.0.0.0/0"],
    )
