"""The commented starter policy `garrison init` writes. It must validate as written (a test
loads it); every key is explained in the JSON Schema (`schema.json`)."""

from __future__ import annotations

STARTER = """\
# garrison policy: what blocks a merge or a deployment (exit code 1), which licences are
# acceptable, and which findings the team has accepted for a while.
# Check it with: garrison policy check garrison.yaml
version: 1

# When a finding blocks, per scanner. A scanner left out: severity HIGH or above blocks.
fail_on:
  vulnerability:
    severity: HIGH              # CRITICAL, HIGH, MEDIUM or LOW
    fixable_only: false         # true: only vulnerabilities with a fixed version block
    ignore_unknown_versions: false  # true: versions garrison cannot compare do not block
  misconfiguration:
    severity: HIGH
    enforce: []                 # ids or tags that always block, e.g. [PSS-restricted, CIS]
    skip: []                    # ids or tags never reported, e.g. [GAR-DF-004]
  secret:
    any: true                   # every secret blocks, whatever its severity
  sast:
    severity: HIGH
    min_confidence: medium      # low, medium or high
  license:
    severity: HIGH              # severity of a denied or not-allowed licence (these block)
  end_of_life:
    fail: true                  # an operating system past its end of life blocks

# Licences (SPDX ids or expressions). With an allowed list, anything else is reported;
# denied licences are reported even inside AND. "MIT OR GPL-3.0-only" passes (MIT suffices).
licenses:
  allowed: [MIT, Apache-2.0, BSD-2-Clause, BSD-3-Clause, ISC, Python-2.0, 0BSD, Unlicense]
  denied: [AGPL-3.0-only, AGPL-3.0-or-later]
  unknown: warn                 # no or non-SPDX licence: warn (a notice) or fail

# Accepted findings. Each needs a reason, an owner and an expiry date (YYYY-MM-DD); an
# expired exception no longer applies. id: a finding id or alias (CVE-..., GHSA-...), a check,
# detector or rule id, or a fingerprint (gfp1:...); path and purl (globs) narrow it.
exceptions: []
#  - id: CVE-2023-12345
#    purl: pkg:pypi/django@*
#    reason: the vulnerable view is not routed; upgrade planned with the 5.0 migration
#    owner: team-web
#    expires: 2030-01-31
#  - rule: GAR-K8S-012
#    path: deploy/legacy/**
#    reason: legacy batch job, removed next quarter
#    owner: alice@example.com
#    expires: 2030-03-31

exception_warning_days: 14      # list exceptions that expire within this many days

# true: inline `garrison:ignore[...]` comments do not hide findings unless the id is listed
# in allowed_inline (or an exception covers it).
strict_suppressions: false
allowed_inline: []
"""
