"""Terraform built-in functions (terraform_functions and terraform_collections),
evaluated by the loader: known arguments give the value Terraform would, anything unknown
leaves the result unknown."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.iac.loaders import terraform
from garrison.iac.loaders.terraform_functions import FUNCTIONS
from garrison.inventory.readers.base import SourceFile

PRELUDE = """\
variable "nets" {
  default = []
}
variable "rules" {
  default = [
    { name = "ssh", port = 22, open = true },
    { name = "https", port = 443, open = false },
  ]
}
variable "tags" {
  default = { team = "ops", env = "prod" }
}
variable "given" {}
"""


def value(expression: str) -> Any:
    """What the loader makes of `expression` as an argument of a resource."""
    text = f'{PRELUDE}resource "null_resource" "r" {{\n  v = {expression}\n}}\n'
    result = terraform.load(SourceFile("main.tf", text.encode()))
    assert result.warnings == ()
    (resource,) = result.resources
    return resource.doc["v"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # the condition of gke-stateful's authorized networks (Trivy GCP-0061)
        ("length(var.nets) == 0 ? [] : [var.nets]", []),
        ("length(var.rules)", 2),
        ("length(var.tags)", 2),
        ('length("abc")', 3),
        ('lower("ABC")', "abc"),
        ('upper("abc")', "ABC"),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ('contains(["a", "b"], "b")', True),
        ("contains([1, 2], true)", False),  # a bool never equals a number
        ('coalesce("", null, "x")', "x"),
        ('try(var.tags.team, "none")', "ops"),
        ("can(var.tags.team)", True),
        ('tobool("true")', True),
        ("tostring(5)", "5"),
        ('tonumber("4.5")', 4.5),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("tolist([1])", [1]),
        ("keys(var.tags)", ["env", "team"]),
        ("values(var.tags)", ["prod", "ops"]),
        ('merge(var.tags, null, { env = "dev" })', {"team": "ops", "env": "dev"}),
        ('lookup(var.tags, "team", "x")', "ops"),
        ('lookup(var.tags, "cost", "x")', "x"),
        ('element(["a", "b"], 3)', "b"),
        ('join(",", ["a", 1, true])', "a,1,true"),
        ('split(",", "a,b")', ["a", "b"]),
        ('format("%s-%d%%", "cpu", 80)', "cpu-80%"),
        ("flatten([[1], [[2]], 3])", [1, 2, 3]),
        ("slice([1, 2, 3], 1, 3)", [2, 3]),
        ('compact(["a", "", null])', ["a"]),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ("distinct([1, 1, 2])", [1, 2]),
        ('one(["x"])', "x"),
        ("one([])", None),
        ("coalescelist([], [1])", [1]),
        ("range(3)", [0, 1, 2]),
        ("min(3, 1)", 1),
        ('replace("a-b", "-", "_")', "a_b"),
        ('substr("hello", 1, 3)', "ell"),
        ('startswith("gke-x", "gke-")', True),
        ('trimspace("  x ")', "x"),
        ('index(["a", "b"], "b")', 1),
        ("7 / 2", 3.5),
        ("7 % 3", 1),
    ],
)
def test_known_arguments_give_terraforms_value(expression: str, expected: Any) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "length(var.given)",
        "length(aws_subnet.private)",
        'contains(var.given, "a")',
        "keys(var.given)",
        'try(var.given, "fallback")',  # unknown may be a value known after apply
        "can(var.given)",
        'format("%5s", "x")',  # a verb we do not compute
        'replace("a1", "/[0-9]/", "")',  # a regular expression
        'length("héllo")',  # Terraform counts grapheme clusters
        "one([1, 2])",  # an error in Terraform
        'index(["a"], "b")',
        "1 / 0",
        "-7 % 3",  # Terraform's remainder truncates, Python's floors
        'cidrsubnet("10.0.0.0/16", 8, 1)',  # not computed
        "element([], 0)",
        'tostring(["a"])',
    ],
)
def test_unknown_or_failing_calls_stay_unknown(expression: str) -> None:
    assert value(expression) == "${" + expression + "}"


def test_every_function_name_is_a_terraform_function() -> None:
    assert "length" in FUNCTIONS and "format" in FUNCTIONS
    assert all(name.islower() and name.isidentifier() for name in FUNCTIONS)
