"""Walking a registry (catalog and tags, paginated) and the scan state file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from garrison.errors import InputError, RegistryError
from garrison.image.registry import RegistryClient
from garrison.image.registry_scan import (
    RegistryScanState,
    candidates,
    list_images,
    list_repositories,
    parse_scan_target,
)
from tests.support.registry import (
    Answer,
    FakeState,
    RealRegistry,
    fake_registry,
    push,
    run_registry,
    simple,
)

IMAGES = [simple(f"ID=test\nN={n}\n") for n in range(3)]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRegistry]:
    with run_registry(tmp_path_factory.mktemp("scan")) as running:
        for name in ("team/a", "team/b", "team/c", "team/d", "teamx/e", "other/f"):
            push(running, name, "1.0", IMAGES[0])
        push(running, "team/a", "2.0", IMAGES[1])
        push(running, "team/a", "latest", IMAGES[1])
        yield running


def test_catalog_pagination_on_a_real_registry(registry: RealRegistry) -> None:
    with RegistryClient(registry.host, insecure=True) as client:
        everything = list(list_repositories(client, page_size=2))
        team = list(list_images(client, "team", page_size=2))
    assert everything == ["other/f", "team/a", "team/b", "team/c", "team/d", "teamx/e"]
    assert team == [
        ("team/a", "1.0"),
        ("team/a", "2.0"),
        ("team/a", "latest"),
        ("team/b", "1.0"),
        ("team/c", "1.0"),
        ("team/d", "1.0"),
    ]


def test_scan_state_skips_digests_already_scanned(registry: RealRegistry, tmp_path: Path) -> None:
    state_path = tmp_path / "state" / "registry-scan.json"
    with RegistryClient(registry.host, insecure=True) as client:
        state = RegistryScanState(state_path)
        first = list(candidates(client, "team/a", state, page_size=2))
        assert [(c.tag, c.seen) for c in first] == [(t, False) for t in ("1.0", "2.0", "latest")]
        assert first[1].digest == first[2].digest == IMAGES[1].digest
        for candidate in first:
            assert candidate.digest is not None and candidate.error is None
            if not state.seen(candidate.digest):
                state.record(candidate.digest, candidate.reference)
        state.save()
        again = RegistryScanState(state_path)
        second = list(candidates(client, "team/a", again))
    assert again.problem is None and len(again) == 2
    assert [c.seen for c in second] == [True, True, True]
    assert second[0].reference == f"{registry.host}/team/a:1.0"
    saved = json.loads(state_path.read_text())
    assert saved["version"] == 1
    assert set(saved["scanned"]) == {IMAGES[0].digest, IMAGES[1].digest}
    assert [p.name for p in state_path.parent.iterdir()] == ["registry-scan.json"]  # no tmp left


def test_tag_pagination_and_bearer_catalog_scope() -> None:
    state = FakeState(bearer=True)
    state.tags = {"lib/x": ["b", "a", "d", "c", "e"], "lib/y": []}
    with fake_registry(state) as (host, seen), RegistryClient(host, insecure=True) as client:
        found = list(list_images(client, page_size=2))
    assert found == [("lib/x", tag) for tag in "abcde"]
    # the catalog drew the challenge; later scopes get their token before asking
    assert seen.paths("/v2/lib/x/tags/list") == [
        "/v2/lib/x/tags/list?n=2",
        "/v2/lib/x/tags/list?n=2&last=a",
        "/v2/lib/x/tags/list?n=2&last=c",
    ]
    assert seen.paths("/token") == [
        "/token?service=fake&scope=registry%3Acatalog%3A%2A",
        "/token?service=fake&scope=repository%3Alib%2Fx%3Apull",
        "/token?service=fake&scope=repository%3Alib%2Fy%3Apull",
    ]


def test_pagination_refuses_other_hosts_and_loops() -> None:
    evil = Answer(200, {"Link": '<http://elsewhere.example/v2/_catalog?n=1>; rel="next"'},
                  b'{"repositories": ["a"]}')  # fmt: skip
    loop = Answer(200, {"Link": '</v2/_catalog?n=1>; rel="next"'}, b'{"repositories": ["a"]}')
    for answers, message in (([evil], "another host"), ([loop, loop], "loop")):
        state = FakeState(script={"/v2/_catalog": answers})
        with (
            fake_registry(state) as (host, _),
            RegistryClient(host, insecure=True) as client,
            pytest.raises(RegistryError, match=message),
        ):
            list(list_repositories(client, page_size=1))


def test_malformed_catalog() -> None:
    state = FakeState(script={"/v2/_catalog": [Answer(200, {}, b'{"repositories": "a"}')]})
    with (
        fake_registry(state) as (host, _),
        RegistryClient(host, insecure=True) as client,
        pytest.raises(RegistryError, match="no list of repositories"),
    ):
        list(list_repositories(client))


def test_scan_state_file_handling(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = RegistryScanState(path)
    assert len(state) == 0 and state.problem is None
    when = datetime(2024, 5, 1, 12, 30, 15, 999, tzinfo=UTC)
    state.record("sha256:" + "a" * 64, "reg/x:1", when)
    state.save()
    assert RegistryScanState(path).scanned_at("sha256:" + "a" * 64) == "2024-05-01T12:30:15Z"
    path.write_text("{broken")
    broken = RegistryScanState(path)
    assert len(broken) == 0 and broken.problem and "unreadable scan state" in broken.problem
    path.write_text('{"version": 99, "scanned": {}}')
    assert "not a garrison registry scan state" in (RegistryScanState(path).problem or "")
    path.write_text("[1, 2]")
    assert RegistryScanState(path).problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("localhost:5000", ("localhost:5000", "")),
        ("localhost:5000/team", ("localhost:5000", "team")),
        ("https://reg.example.com/team/sub/", ("reg.example.com", "team/sub")),
        ("index.docker.io/library", ("docker.io", "library")),
    ],
)
def test_parse_scan_target(text: str, expected: tuple[str, str]) -> None:
    assert parse_scan_target(text) == expected


@pytest.mark.parametrize("text", ["/team", "", "no host/x", "a_b/c"])
def test_parse_scan_target_needs_a_host(text: str) -> None:
    with pytest.raises(InputError, match="expected HOST"):
        parse_scan_target(text)


def test_a_broken_tag_does_not_stop_the_walk(tmp_path: Path) -> None:
    state = FakeState(tags={"lib/x": ["gone", "ok"]})
    state.add("lib/x", "ok", IMAGES[2])
    with fake_registry(state) as (host, _), RegistryClient(host, insecure=True) as client:
        found = list(candidates(client, "", RegistryScanState(tmp_path / "s.json")))
    assert [(c.tag, c.digest) for c in found] == [("gone", None), ("ok", IMAGES[2].digest)]
    assert found[0].error == f"{host}: manifest lib/x:gone not found"
