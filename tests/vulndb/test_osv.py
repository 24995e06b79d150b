from __future__ import annotations

import pytest

from garrison.errors import AdvisoryError
from garrison.model import Severity
from garrison.vulndb.osv import parse_advisory
from tests.vulndb.helpers import entry


def test_valid_entry_becomes_advisory_with_normalised_key() -> None:
    doc = entry(name="PyYAML", aliases=["CVE-2020-1", "GHSA-aaaa-bbbb-cccc"])
    doc["severity"] = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
    advisory = parse_advisory(doc, "x.json")
    assert advisory.id == "PYSEC-2099-1"
    assert advisory.aliases == ("CVE-2020-1", "GHSA-aaaa-bbbb-cccc")
    assert advisory.rating.severity is Severity.CRITICAL
    assert advisory.rating.score == 9.8
    (package,) = advisory.affected
    assert (package.ecosystem, package.name, package.key) == ("PyPI", "PyYAML", "pyyaml")
    assert package.ranges[0].events == (("introduced", "0"), ("fixed", "1.0"))


def test_summary_falls_back_to_first_line_of_details() -> None:
    doc = entry()
    del doc["summary"]
    doc["details"] = "First line.\nSecond line."
    assert parse_advisory(doc, "x.json").summary == "First line."


def test_release_suffix_is_split() -> None:
    advisory = parse_advisory(entry("DSA-1-1", ecosystem="Debian:12", name="openssl"), "x")
    assert (advisory.affected[0].ecosystem, advisory.affected[0].release) == ("Debian", "12")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.pop("modified"), "modified: Field required"),
        (lambda d: d.update(id="NOPE-1"), "id: String should match pattern"),
        (lambda d: d.update(modified="yesterday"), "modified: String should match pattern"),
        (
            lambda d: d["affected"][0]["package"].update(ecosystem="Cobol"),
            "unknown ecosystem 'Cobol'",
        ),
        (
            lambda d: d["affected"][0]["ranges"][0].update(events=[{"fixed": "1"}]),
            "range events must contain an 'introduced' event",
        ),
        (
            lambda d: d["affected"][0]["ranges"][0]["events"].append({"last_affected": "2"}),
            "'last_affected' and 'fixed' events are mutually exclusive",
        ),
        (
            lambda d: d["affected"][0]["ranges"][0].update(type="GIT", repo="https://x"),
            "is not a full commit hash",
        ),
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted"),
        (
            lambda d: d.update(severity=[{"type": "CVSS_V3", "score": "AV:N"}]),
            "is not a CVSS_V3 vector",
        ),
    ],
)
def test_bad_entries_are_rejected_with_source_id_and_reason(change, reason) -> None:  # type: ignore[no-untyped-def]
    doc = entry()
    change(doc)
    with pytest.raises(AdvisoryError) as caught:
        parse_advisory(doc, "feed/x.json")
    message = str(caught.value)
    assert message.startswith("feed/x.json: ")
    assert reason in message


def test_non_object_is_rejected() -> None:
    with pytest.raises(AdvisoryError, match=r"^a\.json: not an OSV entry"):
        parse_advisory(["x"], "a.json")
