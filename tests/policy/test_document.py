"""The policy file: values, the starter, and every error as one exact line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from garrison.errors import InputError, PolicyError
from garrison.model import Severity
from garrison.policy import Policy, find_policy, load_policy, parse_policy
from garrison.policy.model import (
    Confidence,
    EndOfLifeRule,
    FailRules,
    FreshnessPolicy,
    LicensePolicy,
    MisconfigRule,
    PolicyException,
    SastRule,
    SecretRule,
    UnknownLicense,
    VulnerabilityRule,
)
from garrison.policy.starter import STARTER
from tests.conftest import DATA

FULL = DATA / "policy" / "full" / "garrison.yaml"


def error_of(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "garrison.yaml")
    return str(caught.value)


def test_full_policy_loads_every_key() -> None:
    policy = load_policy(FULL)
    assert policy == Policy(
        fail_on=FailRules(
            vulnerability=VulnerabilityRule(Severity.MEDIUM, True, True),
            misconfiguration=MisconfigRule(
                Severity.MEDIUM, frozenset({"PSS-restricted", "GAR-K8S-001"}),
                frozenset({"GAR-DF-004", "RBAC"}),
            ),
            secret=SecretRule(any=True, severity=Severity.HIGH),
            sast=SastRule(Severity.HIGH, Confidence.MEDIUM),
            license=Severity.CRITICAL,
            end_of_life=EndOfLifeRule(fail=False),
        ),
        licenses=LicensePolicy(
            frozenset({"MIT", "Apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"}),
            frozenset({"GPL-3.0-only", "AGPL-3.0-or-later"}),
            UnknownLicense.FAIL,
        ),
        exceptions=(
            PolicyException("CVE-2023-1111", "the admin view is not routed", "team-web",
                            date(2030, 1, 31), 0, 27, purl="pkg:pypi/django@*"),
            PolicyException("GAR-K8S-012", "legacy batch job", "alice@example.com",
                            date(2030, 3, 31), 1, 32, path="deploy/legacy/**"),
        ),
        exception_warning_days=30,
        strict_suppressions=True,
        allowed_inline=frozenset({"B101"}),
        freshness=FreshnessPolicy(
            max_image_age=timedelta(days=30), max_uptime=timedelta(weeks=2), behind_golden=False
        ),
        source=str(FULL),
    )  # fmt: skip


def test_version_only_is_the_default_policy() -> None:
    assert parse_policy("version: 1\n", "p.yaml") == Policy(source="p.yaml")


def test_starter_policy_validates() -> None:
    policy = parse_policy(STARTER, "garrison.yaml")
    assert policy.fail_on.secret.any is True
    assert policy.fail_on.end_of_life.fail is True
    assert policy.licenses is not None and "MIT" in policy.licenses.allowed
    assert policy.exceptions == ()


def test_policy_error_is_an_input_error() -> None:
    assert issubclass(PolicyError, InputError)


EXCEPTION = "version: 1\nexceptions:\n  - id: CVE-1\n    reason: r\n    owner: o\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nfail_onn: {}\n",
         "garrison.yaml:2: fail_onn: unknown key (known: allowed_inline, exception_warning_days, "
         "exceptions, fail_on, freshness, licenses, strict_suppressions, version)"),
        ("version: 1\nfreshness:\n  max_uptime: 2 weeks\n",
         "garrison.yaml:3: freshness.max_uptime: must be a duration like 12h, 30d or 2w"),
        ("version: 1\nfreshness:\n  max_age: 2w\n",
         "garrison.yaml:3: freshness.max_age: unknown key (known: behind_golden, max_base_age, "
         "max_image_age, max_uptime)"),
        ("version: 1\nfail_on:\n  vulnerability:\n    severty: HIGH\n",
         "garrison.yaml:4: fail_on.vulnerability.severty: unknown key "
         "(known: fixable_only, ignore_unknown_versions, severity)"),
        ("version: 1\nfail_on:\n  secret:\n    any: sometimes\n",
         "garrison.yaml:4: fail_on.secret.any: must be true or false, not 'sometimes'"),
        ("version: 1\nexception_warning_days: 1.5\n",
         "garrison.yaml:2: exception_warning_days: must be a whole number of days, 0 or more"),
        ("version: 1\nexceptions:\n  id: x\n",
         "garrison.yaml:3: exceptions: must be a list, not a mapping"),
        ("version: 1\nfail_on:\n", "garrison.yaml:2: fail_on: must be a mapping, not empty"),
        ("version: 1\nallowed_inline: B101\n",
         "garrison.yaml:2: allowed_inline: must be a list, not 'B101'"),
        ("version: 1\nfail_on:\n  sast:\n    severity: high\n",
         "garrison.yaml:4: fail_on.sast.severity: must be one of CRITICAL, HIGH, MEDIUM, LOW"),
        ("version: 1\nfail_on:\n  sast:\n    min_confidence: sure\n",
         "garrison.yaml:4: fail_on.sast.min_confidence: must be one of low, medium, high"),
        ("version: 1\nlicenses:\n  unknown: ignore\n",
         "garrison.yaml:3: licenses.unknown: must be warn or fail"),
        ("version: 2\n", "garrison.yaml:1: version: must be 1 (the only policy format version)"),
        ("fail_on: {}\n", "garrison.yaml:1: version: missing (required)"),
        ("- 1\n", "garrison.yaml:1: (top level): the policy must be a mapping "
         "(version: 1, fail_on: ..., exceptions: ...)"),
        ("", "garrison.yaml:1: the policy file is empty (start it with version: 1)"),
        (EXCEPTION + "    path_regex: 'deploy/(unclosed'\n    expires: 2030-01-01\n",
         "garrison.yaml:6: exceptions[0].path_regex: not a regular expression: "
         "missing ), unterminated subpattern at position 7"),
        (EXCEPTION + "    expires: 2025-02-30\n",
         "garrison.yaml:6: exceptions[0].expires: not a date (write YYYY-MM-DD)"),
        (EXCEPTION + "    expires: next week\n",
         "garrison.yaml:6: exceptions[0].expires: not a date (write YYYY-MM-DD)"),
        (EXCEPTION + "    expires: 2025-1-31\n",
         "garrison.yaml:6: exceptions[0].expires: not a date (write YYYY-MM-DD)"),
        ("version: 1\nexceptions:\n  - id: CVE-1\n    owner: o\n    expires: 2030-01-01\n",
         "garrison.yaml:3: exceptions[0].reason: missing (required)"),
        ("version: 1\nexceptions:\n  - id: CVE-1\n    reason: r\n    expires: 2030-01-01\n",
         "garrison.yaml:3: exceptions[0].owner: missing (required)"),
        ("version: 1\nexceptions:\n  - id: CVE-1\n    reason: r\n    owner: o\n",
         "garrison.yaml:3: exceptions[0].expires: missing (required)"),
        (EXCEPTION.replace("owner: o", "owner: '  '") + "    expires: 2030-01-01\n",
         "garrison.yaml:5: exceptions[0].owner: must be a non-empty string"),
        ("version: 1\nexceptions:\n  - reason: r\n    owner: o\n    expires: 2030-01-01\n",
         "garrison.yaml:3: exceptions[0]: give the id (or rule) of what the exception covers"),
        (EXCEPTION + "    rule: GAR-1\n    expires: 2030-01-01\n",
         "garrison.yaml:6: exceptions[0].rule: give id or rule, not both"),
        (EXCEPTION + "    purl: django\n    expires: 2030-01-01\n",
         "garrison.yaml:6: exceptions[0].purl: must be a package URL glob starting with pkg: "
         "(e.g. pkg:pypi/django@*)"),
        (EXCEPTION + "    expires: 2030-01-01\n    severity: LOW\n",
         "garrison.yaml:7: exceptions[0].severity: unknown key "
         "(known: expires, id, owner, path, path_regex, purl, reason, rule)"),
        ("version: 1\nfail_on: [\n",
         "garrison.yaml:3: invalid YAML: did not find expected node content"),
        ("version: 1\nversion: 1\n", "garrison.yaml:2: version: duplicate key"),
        ("version: 1\n1: x\n", "garrison.yaml:2: (top level): keys must be text, not 1"),
        ("version: 1\nlicenses:\n  allowed: &a [MIT]\n  denied: *a\n",
         "garrison.yaml:4: licenses.denied: YAML aliases (*name) are not allowed in a policy file"),
        ("version: 1\nlicenses:\n  allowed: [MIT, MTI]\n",
         "garrison.yaml:3: licenses.allowed[1]: 'MTI' is not an SPDX licence id "
         "(name others LicenseRef-...)"),
        ("version: 1\nlicenses:\n  denied: [MIT AND (]\n",
         "garrison.yaml:3: licenses.denied[0]: 'MIT AND (' is not an SPDX licence expression: "
         "Invalid expression"),
        ("version: 1\nlicenses:\n  allowed: [MIT]\n  denied: [mit]\n",
         "garrison.yaml:4: licenses.denied[0]: 'MIT' is also allowed"),
        ("version: 1\nfail_on:\n  misconfiguration:\n    enforce: [CIS]\n    skip: [NSA, CIS]\n",
         "garrison.yaml:5: fail_on.misconfiguration.skip[1]: 'CIS' is also in enforce: "
         "a check cannot be both"),
    ],
)  # fmt: skip
def test_errors_are_one_exact_line(text: str, message: str) -> None:
    assert error_of(text) == message


def test_first_error_by_line_is_reported() -> None:
    text = "version: 1\nfail_on:\n  secret:\n    any: 3\nbogus: 1\n"
    assert error_of(text) == "garrison.yaml:4: fail_on.secret.any: must be true or false, not int 3"


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"missing.yaml: cannot read: No such file"):
        load_policy(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"version: 1\n# caf\xe9\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(latin)
    assert str(caught.value) == f"{latin}: not UTF-8 text"


def test_find_policy_in_target_then_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "services" / "api").mkdir(parents=True)
    assert find_policy(repo / "services" / "api") is None
    (repo / ".garrison.yaml").write_text("version: 1\n")
    assert find_policy(repo / "services" / "api") == (repo / ".garrison.yaml").resolve()
    (repo / "services" / "api" / "garrison.yaml").write_text("version: 1\n")
    found = find_policy(repo / "services" / "api" / "requirements.txt")
    assert found == (repo / "services" / "api" / "garrison.yaml").resolve()


def test_find_policy_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "garrison.yaml").write_text("version: 1\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_policy(repo) is None


def test_two_policy_files_in_one_place_are_refused(tmp_path: Path) -> None:
    (tmp_path / "garrison.yaml").write_text("version: 1\n")
    (tmp_path / ".garrison.yaml").write_text("version: 1\n")
    root = tmp_path.resolve()
    with pytest.raises(PolicyError) as caught:
        find_policy(tmp_path)
    assert str(caught.value) == (
        f"{root / 'garrison.yaml'} and {root / '.garrison.yaml'} both exist: keep one policy file"
    )


def test_find_policy_for_an_image_reference_is_none() -> None:
    assert find_policy(Path("registry.example/app:1.0")) is None
