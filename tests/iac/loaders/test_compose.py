"""The Compose loader: services, spans, merge keys, YAML 1.2 scalars, bombs, broken files."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.iac.loaders import compose
from garrison.iac.model import LoadResult, Resource, Span
from garrison.inventory.readers.base import SourceFile
from garrison.model import Gap
from tests.conftest import DATA, shared_path


def load(text: str, path: str = "docker-compose.yml") -> LoadResult:
    return compose.load(SourceFile(path, text.encode()))


def services(text: str) -> dict[str, Resource]:
    result = load(text)
    assert result.warnings == ()
    return {service.name: service for service in result.resources}


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("docker-compose.yml", True),
        ("docker-compose.yaml", True),
        ("compose.yaml", True),
        ("compose.yml", True),
        ("docker-compose.prod.yml", True),
        ("compose.override.yaml", True),
        ("docker-compose.json", False),
        ("deployment.yaml", False),
        ("composer.json", False),
    ],
)
def test_matches(name: str, claimed: bool) -> None:
    assert compose.matches(PurePosixPath("deploy", name)) is claimed


STACK = """\
services:
  web:
    image: nginx:1.27
    ports:
      - "80:80"
      - 22:22
    command: >
      nginx -g
      'daemon off;'

    # the database
  db: {image: postgres, ports: [5432]}
volumes:
  data:
"""


def test_one_resource_per_service_with_spans() -> None:
    found = services(STACK)
    web, db = found["web"], found["db"]
    assert (web.source, web.kind, web.file) == ("compose", "service", "docker-compose.yml")
    assert web.span == Span(2, 9)
    assert db.span == Span(12, 12)
    assert web.spans == {
        ("image",): Span(3, 3),
        ("ports",): Span(4, 6),
        ("ports", 0): Span(5, 5),
        ("ports", 1): Span(6, 6),
        ("command",): Span(7, 9),
    }
    assert db.spans[("ports", 0)] == Span(12, 12)


def test_scalars_follow_yaml_1_2_as_compose_reads_them() -> None:
    text = (
        "services:\n  s:\n    ports: [22:22, 8080]\n    privileged: true\n    tty: yes\n"
        "    cpus: 0.5\n    mode: 0o755\n    user: '0'\n    init: ~\n"
        "    healthcheck: {disable: False}\n"
    )
    doc = services(text)["s"].doc
    assert doc == {
        "ports": ["22:22", 8080], "privileged": True, "tty": "yes", "cpus": 0.5,
        "mode": 0o755, "user": "0", "init": None, "healthcheck": {"disable": False},
    }  # fmt: skip


def test_merge_keys_apply_with_yaml_precedence_and_keep_their_lines() -> None:
    text = (DATA / "iac" / "compose" / "insecure" / "docker-compose.yml").read_text()
    found = services(text)
    agent, web = found["agent"], found["web"]
    assert agent.doc["privileged"] is True
    assert agent.doc["restart"] == "unless-stopped"
    assert agent.spans[("privileged",)] == Span(7, 7)
    assert agent.spans[("cap_add", 0)] == Span(9, 9)
    assert agent.spans[("logging", "driver")] == Span(4, 4)
    assert web.doc["logging"] == {"driver": "json-file"}
    assert web.spans[("image",)] == Span(14, 14)
    assert sorted(found) == ["agent", "db", "web"]


def test_explicit_keys_beat_merged_ones_and_earlier_merges_beat_later() -> None:
    text = (
        "x-a: &a {restart: always, user: a}\n"
        "x-b: &b {user: b, read_only: true, pid: host}\n"
        "services:\n"
        "  s:\n"
        "    <<: [*a, *b]\n"
        "    pid: private\n"
    )
    service = services(text)["s"]
    assert service.doc == {"pid": "private", "restart": "always", "user": "a", "read_only": True}
    assert service.spans[("pid",)] == Span(6, 6)
    assert service.spans[("read_only",)] == Span(2, 2)


def test_alias_bomb_is_a_warning() -> None:
    lines = ["x-0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    for n in range(1, 9):
        lines.append(f"x-{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]")
    lines.append("services:\n  s:\n    command: *l8")
    result = load("\n".join(lines) + "\n")
    assert result.resources == ()
    assert [(w.line, w.gap) for w in result.warnings] == [(11, Gap.READER_FAILED)]
    assert result.warnings[0].message.startswith("line 11: service 's': more than 100000 values")


def test_an_alias_inside_itself_is_a_warning() -> None:
    result = load("x: &loop [*loop]\nservices:\n  s: {command: *loop}\n")
    assert result.resources == ()
    assert "nested deeper than" in result.warnings[0].message


def test_invalid_yaml_warns_with_the_line() -> None:
    result = load("services:\n  web:\n    image: [unclosed\n  db: {}\n")
    assert [(w.line, w.gap) for w in result.warnings] == [(4, Gap.READER_FAILED)]
    assert result.warnings[0].message.startswith("line 4: invalid YAML:")


def test_duplicate_keys_and_non_mapping_services_warn() -> None:
    result = load("services:\n  a:\n    image: x:1\n    image: y:1\n  b: [not, a, mapping]\n  c:\n")
    assert [(w.line, w.message) for w in result.warnings] == [
        (4, "line 4: duplicate key 'image'"),
        (5, "line 5: service 'b' is not a mapping"),
    ]
    assert [(s.name, s.doc) for s in result.resources] == [("a", {"image": "y:1"}), ("c", {})]


def test_files_that_are_not_compose_are_silently_empty() -> None:
    assert load("version: '3'\n") == LoadResult(())
    assert load("- a\n- b\n") == LoadResult(())
    assert load("") == LoadResult(())
    assert load("services:\n") == LoadResult(())


def test_services_that_is_not_a_mapping_warns() -> None:
    result = load("services:\n  - web\n")
    assert [w.message for w in result.warnings] == ["line 2: `services` is not a mapping"]


def test_ignore_comments_are_collected() -> None:
    text = "services:\n  db:\n    # garrison:ignore[GAR-DC-009] local\n    ports: ['5432:5432']\n"
    assert services(text)["db"].context["ignores"] == {3: ["GAR-DC-009"]}


def test_every_compose_file_in_the_corpus_loads() -> None:
    root = shared_path("corpora", "iac")
    seen = 0
    for path in sorted(root.rglob("*")):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if not path.is_file() or not compose.matches(rel):
            continue
        seen += 1
        result = compose.load(SourceFile(str(rel), path.read_bytes()))
        assert result.resources, rel
        assert result.warnings == (), rel
    assert seen >= 3
