"""Python parts of the Terraform checks: settings spread over several resources (S3 bucket
settings resources, found in `context["referrers"]` by the Terraform loaders), network
rules with port ranges, IAM policy JSON, and which resources are real declarations
(`managed_resource`). More AWS network and IAM rules are in `terraform_aws_py`.

A value the loader could not know is a string containing "${"; every function here treats
it as unknown and reports nothing on it (a scan must not guess).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from garrison.iac.model import DocPath, Resource

WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
AZURE_ANYWHERE = frozenset({"*", "0.0.0.0", "0.0.0.0/0", "::/0", "internet", "any"})
SSH, RDP = 22, 3389


def unknown(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def managed_resource(resource: Resource, obj: Any, path: DocPath) -> bool:
    """A `resource` block, not a `data` source (which only looks up an object made
    elsewhere). The engine already keeps data sources from checks of resource types;
    this guard stays for checks run on their own (override files are merged into the
    blocks they override by the loader, so they are no resources of their own)."""
    return resource.context.get("mode") != "data"


def gke_private_endpoint(resource: Resource, obj: Any, path: DocPath) -> bool:
    """The cluster's control plane has only a private endpoint (a guard: it points at
    nothing, so the finding keeps the location of the missing setting)."""
    return _block(resource.doc, "private_cluster_config").get("enable_private_endpoint") is True


def _referrers(resource: Resource, kind: str) -> list[dict[str, Any]]:
    found = resource.context.get("referrers") or ()
    return [r for r in found if isinstance(r, dict) and r.get("kind") == kind]


def _block(doc: Any, name: str) -> dict[str, Any]:
    """The first `name { }` block of a document (blocks are lists of mappings)."""
    value = doc.get(name) if isinstance(doc, dict) else None
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


# --- S3 bucket settings kept in separate resources (AWS provider v4 and later) ------------


def s3_without_public_access_block(resource: Resource, obj: Any, path: DocPath) -> bool:
    return not _referrers(resource, "aws_s3_bucket_public_access_block")


def s3_without_versioning(resource: Resource, obj: Any, path: DocPath) -> bool:
    inline = _block(resource.doc, "versioning").get("enabled")
    if inline is True or unknown(inline):
        return False
    for other in _referrers(resource, "aws_s3_bucket_versioning"):
        status = _block(other["doc"], "versioning_configuration").get("status")
        if status == "Enabled" or unknown(status):
            return False
    return True


def s3_without_logging(resource: Resource, obj: Any, path: DocPath) -> bool:
    if _block(resource.doc, "logging") or unknown(resource.doc.get("logging")):
        return False
    return not _referrers(resource, "aws_s3_bucket_logging")


def s3_without_encryption(resource: Resource, obj: Any, path: DocPath) -> bool:
    inline = resource.doc.get("server_side_encryption_configuration")
    if inline or unknown(inline):
        return False
    return not _referrers(resource, "aws_s3_bucket_server_side_encryption_configuration")


# --- IAM and bucket policies -------------------------------------------------------------


def policy_statements(policy: Any) -> list[dict[str, Any]]:
    """The statements of a policy given as JSON text or as a mapping; [] if unreadable."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements or [] if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allows(statement: dict[str, Any]) -> bool:
    return bool(statement.get("Effect", "Allow") == "Allow")


def iam_policy_full_admin(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    """An Allow statement with Action "*" on Resource "*"."""
    for statement in policy_statements(resource.doc.get("policy")):
        actions, targets = as_list(statement.get("Action")), as_list(statement.get("Resource"))
        if allows(statement) and "*" in actions and "*" in targets:
            return [("policy",)]
    return []


def bucket_policy_public(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    """An unconditional Allow statement whose principal is everyone."""
    for statement in policy_statements(resource.doc.get("policy")):
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            principal = principal.get("AWS")
        everyone = "*" in as_list(principal)
        if allows(statement) and everyone and not statement.get("Condition"):
            return [("policy",)]
    return []


# --- AWS security groups -----------------------------------------------------------------


def _aws_rules(resource: Resource, direction: str) -> Iterator[tuple[dict[str, Any], DocPath]]:
    """Each rule of `direction` ("ingress"/"egress") in a security group or rule resource,
    in the shape of a security group's `ingress` block."""
    doc = resource.doc if isinstance(resource.doc, dict) else {}
    if resource.kind == "aws_security_group":
        for index, rule in enumerate(doc.get(direction) or []):
            if isinstance(rule, dict):
                yield rule, (direction, index)
    elif resource.kind == "aws_security_group_rule" and doc.get("type") == direction:
        yield doc, ()
    elif resource.kind == f"aws_vpc_security_group_{direction}_rule":
        cidrs = {"cidr_blocks": [doc.get("cidr_ipv4")], "ipv6_cidr_blocks": [doc.get("cidr_ipv6")]}
        yield {**doc, **cidrs, "protocol": doc.get("ip_protocol")}, ()


def _world_paths(resource: Resource, rule: dict[str, Any], where: DocPath) -> list[DocPath]:
    """Paths of the rule's 0.0.0.0/0 and ::/0 sources."""
    if resource.kind.startswith("aws_vpc_security_group_"):
        keys = [k for k in ("cidr_ipv4", "cidr_ipv6") if rule.get(k) in WORLD_CIDRS]
        return [(*where, k) for k in keys]
    found: list[DocPath] = []
    for key in ("cidr_blocks", "ipv6_cidr_blocks"):
        cidrs = rule.get(key)
        if isinstance(cidrs, list):
            found += [(*where, key, i) for i, c in enumerate(cidrs) if c in WORLD_CIDRS]
    return found


def _all_protocols(protocol: Any) -> bool:
    return str(protocol).lower() in ("-1", "all")


def covers(rule: dict[str, Any], port: int) -> bool:
    protocol = str(rule.get("protocol")).lower()
    if _all_protocols(protocol):
        return True
    low, high = rule.get("from_port"), rule.get("to_port")
    if protocol not in ("tcp", "6") or not (isinstance(low, int) and isinstance(high, int)):
        return False
    return low <= port <= high


def _every_port(rule: dict[str, Any]) -> bool:
    if _all_protocols(rule.get("protocol")):
        return True
    low, high = rule.get("from_port"), rule.get("to_port")
    return isinstance(low, int) and isinstance(high, int) and low <= 1 and high >= 65535


def _open_rules(resource: Resource, direction: str, test: Any) -> list[DocPath]:
    found: list[DocPath] = []
    for rule, where in _aws_rules(resource, direction):
        if test(rule):
            found += _world_paths(resource, rule, where)
    return found


def sg_ssh_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _open_rules(resource, "ingress", lambda rule: covers(rule, SSH))


def sg_rdp_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _open_rules(resource, "ingress", lambda rule: covers(rule, RDP))


def sg_all_ports_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _open_rules(resource, "ingress", _every_port)


def sg_egress_anywhere(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _open_rules(resource, "egress", _every_port)


# --- GCP firewalls -----------------------------------------------------------------------


def port_matches(entry: Any, port: int | None) -> bool:
    """Whether a port entry ("22", "1000-2000") includes `port` (None: every port)."""
    text = str(entry).strip()
    low, _, high = text.partition("-")
    if not low.isdigit() or not (high or low).isdigit():
        return False
    if port is None:
        return int(low) <= 1 and int(high or low) >= 65535
    return int(low) <= port <= int(high or low)


def _gcp_open(resource: Resource, port: int | None) -> list[DocPath]:
    doc = resource.doc
    if str(doc.get("direction") or "INGRESS").upper() != "INGRESS":
        return []
    if not WORLD_CIDRS & set(as_list(doc.get("source_ranges"))):
        return []
    found: list[DocPath] = []
    for index, allow in enumerate(doc.get("allow") or []):
        protocol = str(allow.get("protocol")).lower() if isinstance(allow, dict) else ""
        if protocol not in ("tcp", "all", "6"):
            continue
        ports = allow.get("ports")
        if protocol == "all" or not ports:
            found.append(("allow", index))
        elif isinstance(ports, list):
            hits = [i for i, p in enumerate(ports) if port_matches(p, port)]
            found += [("allow", index, "ports", i) for i in hits]
    return found


def gcp_firewall_ssh_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _gcp_open(resource, SSH)


def gcp_firewall_rdp_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _gcp_open(resource, RDP)


def gcp_firewall_all_ports_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _gcp_open(resource, None)


# --- Azure network security rules --------------------------------------------------------


def _azure_rules(resource: Resource) -> Iterator[tuple[dict[str, Any], DocPath]]:
    if resource.kind == "azurerm_network_security_rule":
        yield resource.doc, ()
    elif resource.kind == "azurerm_network_security_group":
        for index, rule in enumerate(resource.doc.get("security_rule") or []):
            if isinstance(rule, dict):
                yield rule, ("security_rule", index)


def _azure_from_anywhere(rule: dict[str, Any]) -> bool:
    sources = [rule.get("source_address_prefix"), *as_list(rule.get("source_address_prefixes"))]
    return any(str(s).strip().lower() in AZURE_ANYWHERE for s in sources if s is not None)


def _azure_open(resource: Resource, port: int) -> list[DocPath]:
    found: list[DocPath] = []
    for rule, where in _azure_rules(resource):
        inbound = str(rule.get("direction")).lower() == "inbound"
        allowed = str(rule.get("access")).lower() == "allow"
        protocol = str(rule.get("protocol")).lower() in ("tcp", "*")
        if not (inbound and allowed and protocol and _azure_from_anywhere(rule)):
            continue
        single = rule.get("destination_port_range")
        if single is not None and (single == "*" or port_matches(single, port)):
            found.append((*where, "destination_port_range"))
        ranges = rule.get("destination_port_ranges")
        for index, entry in enumerate(ranges if isinstance(ranges, list) else []):
            if entry == "*" or port_matches(entry, port):
                found.append((*where, "destination_port_ranges", index))
    return found


def azure_nsg_ssh_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _azure_open(resource, SSH)


def azure_nsg_rdp_open(resource: Resource, obj: Any, path: DocPath) -> list[DocPath]:
    return _azure_open(resource, RDP)
