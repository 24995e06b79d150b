"""Python parts of AWS Terraform checks that the check language cannot say: network ACL
rules (port ranges whose numbers may be strings, three resource shapes) and IAM
statements that let their holder pass any role.

A value the loader could not know is a string containing "${"; it never matches here.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from garrison.iac.checks.terraform_py import (
    RDP,
    SSH,
    WORLD_CIDRS,
    allows,
    as_list,
    policy_statements,
)
from garrison.iac.model import DocPath, Resource

ACL_KINDS = ("aws_network_acl", "aws_default_network_acl")
CIDR_KEYS = ("cidr_block", "ipv6_cidr_block")


# --- network ACLs ------------------------------------------------------------------------


def _acl_ingress_rules(resource: Resource) -> Iterator[tuple[dict[str, Any], DocPath]]:
    """Each inbound rule, with `action` named as in the ACL blocks."""
    doc = resource.doc if isinstance(resource.doc, dict) else {}
    if resource.kind in ACL_KINDS:
        for index, rule in enumerate(doc.get("ingress") or []):
            if isinstance(rule, dict):
                yield rule, ("ingress", index)
    elif resource.kind == "aws_network_acl_rule" and doc.get("egress") in (None, False):
        yield {**doc, "action": doc.get("rule_action")}, ()


def _port(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _world(cidr: Any) -> bool:
    return isinstance(cidr, str) and cidr.strip() in WORLD_CIDRS


def _reaches_admin_port(rule: dict[str, Any]) -> bool:
    """All protocols (every port), or TCP with a port range that includes SSH or RDP."""
    protocol = str(rule.get("protocol")).strip().lower()
    if protocol in ("-1", "all"):
        return True
    low, high = _port(rule.get("from_port")), _port(rule.get("to_port"))
    if protocol not in ("tcp", "6") or low is None or high is None:
        return False
    return any(low <= port <= high for port in (SSH, RDP))


def nacl_admin_ports_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    """The world-wide sources of inbound allow rules that reach port 22 or 3389."""
    found: list[DocPath] = []
    for rule, where in _acl_ingress_rules(resource):
        allowed = str(rule.get("action")).strip().lower() == "allow"
        if allowed and _reaches_admin_port(rule):
            found += [(*where, key) for key in CIDR_KEYS if _world(rule.get(key))]
    return found


# --- IAM: passing any role -----------------------------------------------------------------


def _passes_role(actions: Any) -> bool:
    """An action pattern that includes iam:PassRole (`*` alone is the admin check's)."""
    patterns = [a.strip().lower() for a in as_list(actions) if isinstance(a, str)]
    return any(p != "*" and fnmatchcase("iam:passrole", p) for p in patterns)


def iam_pass_any_role(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    """Allow statements with iam:PassRole on every resource, in a policy document data
    source (`statement` blocks) or in policy JSON (`policy`)."""
    doc = resource.doc if isinstance(resource.doc, dict) else {}
    if resource.kind == "aws_iam_policy_document":
        found: list[DocPath] = []
        for index, block in enumerate(doc.get("statement") or []):
            if not isinstance(block, dict) or (block.get("effect") or "Allow") != "Allow":
                continue
            if _passes_role(block.get("actions")) and "*" in as_list(block.get("resources")):
                found.append(("statement", index, "actions"))
        return found
    for statement in policy_statements(doc.get("policy")):
        resources = as_list(statement.get("Resource"))
        if allows(statement) and _passes_role(statement.get("Action")) and "*" in resources:
            return [("policy",)]
    return []
