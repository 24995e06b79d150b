"""Test-fixture recipes of the labelled secrets corpus (bench/secrets_corpus.py): the unit
tests of policy checks and of credential code, as a security tool's own repository holds them.

They hold values that sit where secrets sit and are not ones: YAML flow and HCL structures
under secret-sounding keys, a token prefix alone, values marked invalid, famous example
passwords, and stand-ins in URLs; and real secrets written the same compact way, so that
recall is measured on the shapes too. These files come from their own random stream, after
the other recipes, so adding them changed none of the other files of a seed.
"""

from __future__ import annotations

from secrets_corpus_files import Doc, Planter
from secrets_corpus_values import R, b64_of

STRUCTURES = (
    ("master_auth", "[{client_certificate_config: [{issue_client_certificate: true}]}]"),
    ("disk_encryption_key", "[{kms_key_self_link: k}]"),
    ("auth_token", "{secretKeyRef: {name: api-credentials, key: token}}"),
    ("client_secret", "[{valueFrom: {secretKeyRef: {name: oauth, key: secret}}}]"),
    ("access_key", "{rotation: 90d, owner: platform}"),
)
TOKEN_PREFIXES = ("github_pat_", "sk_live_", "sk-ant-api03-", "rk_live_", "sk-proj-")
MARKED_INVALID = ("!!!not-base64", "!!not-a-token!!", "--no-such-key--", "???unset???")
EXAMPLE_PASSWORDS = ("Tr0ub4dor", "hunter2-hunter2", "passw0rd-1", "s3cr3t-key")
URL_STAND_INS = ("s3cr3t", "p4ssw0rd", "passw0rd")
FLOW_STAND_INS = ("abc123", "changeme", "${API_TOKEN}", "hunter2")


def check_tests(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    """A policy check's unit tests: resources written as one-line YAML flow mappings."""
    doc = Doc(f"# {service}: checks and their unit tests", "- id: ACME-001", "  tests:")
    for name, structure in rng.sample(STRUCTURES, 3):
        doc.put(f"    - resource: {{{name}: @@}}", structure, "structure", False)
    doc.put(
        "    - resource: {image: 'nginx:1.27', environment: [API_TOKEN=@@]}",
        rng.choice(FLOW_STAND_INS),
        "placeholder",
        False,
    )
    doc.put(
        "    - resource: {kind: Secret, type: Opaque, data: {password: @@}}",
        b64_of(rng.choice(FLOW_STAND_INS)),
        "placeholder",
        False,
    )
    if rng.random() < 0.5:
        doc.put(
            "    - resource: {image: 'api:2.1', environment: [API_TOKEN=@@]}",
            planter.value("generic-secret"),
            "generic-secret",
            True,
        )
    else:
        doc.put(
            "    - resource: {kind: Secret, type: Opaque, data: {password: @@}}",
            b64_of(planter.value("generic-secret")),
            "k8s-base64-password",
            True,
        )
    return [("checks/acme.yaml", doc)]


def credential_tests(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    """Unit tests of code that handles credentials: prefixes, invalid and example values."""
    doc = Doc("from app.auth import parse, redact", "", "def test_prefix_alone():")
    doc.put("    GITHUB_TOKEN = '@@'", rng.choice(TOKEN_PREFIXES), "bare-prefix", False)
    doc.add("", "def test_bad_auth():")
    doc.put(
        '    assert parse({"auth": "@@"}) is None', rng.choice(MARKED_INVALID), "invalid", False
    )
    doc.add("", "def test_hash_ignores_the_password():")
    doc.put(
        '    password = "@@" + "&3x" * 3', rng.choice(EXAMPLE_PASSWORDS), "example-password", False
    )
    doc.add("", "def test_redact():")
    doc.put(
        '    assert redact("https://user:@@@github.com/a/b.git") == "https://github.com/a/b.git"',
        rng.choice(URL_STAND_INS),
        "url-stand-in",
        False,
    )
    if rng.random() < 0.35:
        doc.put(
            '    SESSION_SECRET = "@@"  # pasted from the staging settings',
            planter.value("generic-secret"),
            "generic-secret",
            True,
        )
    return [("tests/test_auth.py", doc)]


FIXTURE_RECIPES = (check_tests, credential_tests)
