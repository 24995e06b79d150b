"""The Dockerfile loader: stages, instructions, spans, directives, heredocs, broken files."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.iac.loaders import dockerfile
from garrison.iac.model import LoadResult, Resource, Span
from garrison.inventory.readers.base import ReaderError, SourceFile
from garrison.model import Gap
from tests.conftest import DATA, shared_path


def load(text: str, path: str = "Dockerfile") -> LoadResult:
    return dockerfile.load(SourceFile(path, text.encode()))


def stages(text: str) -> tuple[Resource, ...]:
    result = load(text)
    assert result.warnings == ()
    return result.resources


def entries(stage: Resource) -> list[tuple[str, str]]:
    return [(item["cmd"], item["value"]) for item in stage.doc["instructions"]]


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("Dockerfile", True),
        ("dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("Dockerfile.dockerignore", False),
        ("Dockerfile.md", False),
        ("Dockerfile-alpine.template", False),
        ("docker-compose.yml", False),
        ("README.md", False),
    ],
)
def test_matches(name: str, claimed: bool) -> None:
    assert dockerfile.matches(PurePosixPath("src", name)) is claimed


MULTI_STAGE = """\
# syntax=docker/dockerfile:1
ARG BASE=golang:1.22
FROM --platform=$BUILDPLATFORM ${BASE} AS build
WORKDIR /src
RUN go build \\
      -o /out/app \\
      ./cmd/app
USER builder

FROM gcr.io/distroless/static:nonroot@sha256:abc AS final
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
FROM build AS test
RUN go test ./...
"""


def test_one_resource_per_stage_with_names_spans_and_context() -> None:
    build, final, test = stages(MULTI_STAGE)
    assert [(s.kind, s.name, s.span) for s in (build, final, test)] == [
        ("stage", "build", Span(3, 8)),
        ("stage", "final", Span(10, 12)),
        ("stage", "test", Span(13, 14)),
    ]
    assert [s.context["stage_index"] for s in (build, final, test)] == [0, 1, 2]
    assert [s.context["is_final_stage"] for s in (build, final, test)] == [False, False, True]
    assert [s.context["base_stage"] for s in (build, final, test)] == [None, None, "build"]
    assert test.context["inherited"] == {"USER": "builder", "WORKDIR": "/src"}
    assert build.context["global_args"] == {"BASE": "golang:1.22"}
    assert build.context["directives"] == {"syntax": "docker/dockerfile:1"}
    assert test.doc["from"]["stage"] == "build" and final.doc["from"]["stage"] is None


def test_from_is_parsed_with_global_arg_defaults() -> None:
    build, final, _ = stages(MULTI_STAGE)
    assert build.doc["from"] == {
        "image": "golang", "tag": "1.22", "digest": None, "alias": "build",
        "platform": "$BUILDPLATFORM", "ref": "${BASE}", "stage": None,
    }  # fmt: skip
    assert final.doc["from"]["image"] == "gcr.io/distroless/static"
    assert (final.doc["from"]["tag"], final.doc["from"]["digest"]) == ("nonroot", "sha256:abc")
    assert build.doc["global_args"][0]["vars"] == {"BASE": "golang:1.22"}
    assert build.spans[("global_args", 0)] == Span(2, 2)
    assert "global_args" not in final.doc


def test_instruction_spans_cover_continued_lines_and_words() -> None:
    build = stages(MULTI_STAGE)[0]
    assert entries(build) == [
        ("WORKDIR", "/src"),
        ("RUN", "go build       -o /out/app       ./cmd/app"),
        ("USER", "builder"),
    ]
    run = build.doc["instructions"][1]
    assert run["args"] == ["go", "build", "-o", "/out/app", "./cmd/app"]
    assert build.spans[("instructions", 1)] == Span(5, 7)
    assert build.spans[("instructions", 1, "value")] == Span(5, 7)
    assert [build.spans[("instructions", 1, "args", n)].start for n in range(5)] == [5, 5, 6, 6, 7]
    assert build.spans[("from",)] == Span(3, 3)
    assert build.spans[("from", "platform")] == Span(3, 3)


def test_registry_port_is_not_a_tag_and_an_empty_default_stays_unresolved() -> None:
    text = "ARG VERSION=\nFROM localhost:5000/team/app\nFROM mcr.microsoft.com/x:${VERSION}\n"
    first, second = stages(text)
    assert (first.doc["from"]["image"], first.doc["from"]["tag"]) == (
        "localhost:5000/team/app",
        None,
    )
    assert second.doc["from"]["tag"] == "${VERSION}"


def test_run_commands_are_split_with_their_lines() -> None:
    text = (
        "FROM debian:12\n"
        "RUN set -eux; \\\n"  # 2
        "    DEBIAN_FRONTEND=noninteractive apt-get update \\\n"
        "    && (cd /src && make) || true; \\\n"
        "    echo 'a && b' | tee /log\n"  # 5
        "RUN <<EOF\n"  # 6
        "set -e\n"
        "\n"
        "curl -fsSL https://example.com | sh\n"  # 9
        "EOF\n"
        "RUN python3 <<EOF\nimport os; os.system('x')\nEOF\n"  # 11
        'RUN ["/bin/sh", "-c", "a && b"]\n'  # 14
    )
    (stage,) = stages(text)
    runs = stage.doc["instructions"]
    assert runs[0]["commands"] == [
        "set -eux", "apt-get update", "cd /src", "make", "true", "echo 'a && b' | tee /log",
    ]  # fmt: skip
    lines = [stage.spans[("instructions", 0, "commands", n)].start for n in range(6)]
    assert lines == [2, 3, 4, 4, 4, 5]
    assert runs[1]["commands"] == ["<<EOF", "set -e", "curl -fsSL https://example.com | sh"]
    assert stage.spans[("instructions", 1, "commands", 2)] == Span(9, 9)
    assert runs[2]["commands"] == ["python3 <<EOF"]  # the body is Python, not shell
    assert runs[3]["commands"] == ["/bin/sh -c a", "b"]


def test_a_comment_in_a_joined_run_line_hides_the_rest_from_the_shell() -> None:
    (stage,) = stages("FROM debian:12\nRUN make # build \\\n && sudo make install\n")
    assert stage.doc["instructions"][0]["commands"] == ["make"]


def test_comments_and_blank_lines_inside_a_continuation_are_skipped() -> None:
    text = "FROM debian:12\nRUN apt-get update \\\n  # refresh\n\n  && apt-get install -y curl\n"
    (stage,) = stages(text)
    assert entries(stage) == [("RUN", "apt-get update   && apt-get install -y curl")]
    assert stage.spans[("instructions", 0)] == Span(2, 5)


def test_escape_directive_makes_backslashes_plain() -> None:
    text = (DATA / "iac" / "dockerfile" / "windows" / "Dockerfile").read_text()
    (stage,) = stages(text)
    assert stage.context["directives"] == {"escape": "`"}
    workdir, run = stage.doc["instructions"][1:3]
    assert (workdir["value"], workdir["args"]) == ("C:\\app", ["C:\\app"])
    assert run["value"].startswith("Invoke-WebRequest -Uri https://example.com/tool.zip")
    assert "C:\\tool;" in run["value"]
    assert stage.spans[("instructions", 2)] == Span(6, 8)


def test_directives_only_at_the_top() -> None:
    (stage,) = stages("FROM scratch\n# escape=`\nRUN a \\\n b\n")
    assert stage.context["directives"] == {}
    assert entries(stage) == [("RUN", "a  b")]


def test_invalid_escape_directive_is_a_warning() -> None:
    result = load("# escape=x\nFROM scratch\n")
    assert [w.message for w in result.warnings] == ["line 1: invalid escape directive"]
    assert len(result.resources) == 1


def test_heredocs_are_read_with_their_bodies() -> None:
    text = (
        "FROM alpine:3.20\n"  # 1
        "RUN <<EOF\n"  # 2
        "set -e\n"
        "curl https://example.com/x | sh\n"
        "EOF\n"  # 5
        "COPY <<-'CONF' /etc/app.conf\n"  # 6
        "\tkey = value\n"
        "\tCONF\n"  # 8
        'RUN <<A cat > /a && <<"B" sh\n'  # 9
        "first\n"
        "A\n"
        "second\n"
        "B\n"  # 13
        "USER app\n"
    )
    (stage,) = stages(text)
    run, copy, two, user = stage.doc["instructions"]
    assert run["heredocs"] == [{"name": "EOF", "body": "set -e\ncurl https://example.com/x | sh"}]
    assert run["value"] == "<<EOF\nset -e\ncurl https://example.com/x | sh"
    assert copy["heredocs"] == [{"name": "CONF", "body": "key = value"}]
    assert [h["body"] for h in two["heredocs"]] == ["first", "second"]
    assert user["value"] == "app"
    assert [stage.spans[("instructions", n)] for n in range(4)] == [
        Span(2, 5),
        Span(6, 8),
        Span(9, 13),
        Span(14, 14),
    ]
    assert stage.spans[("instructions", 0, "heredocs", 0)] == Span(3, 4)
    assert stage.spans[("instructions", 2, "heredocs", 1)] == Span(12, 12)


def test_unterminated_heredoc_is_a_warning_with_its_line() -> None:
    result = load("FROM alpine:3.20\nRUN <<EOF\necho hi\n")
    assert [(w.line, w.message) for w in result.warnings] == [
        (2, "line 2: heredoc <<EOF is never terminated")
    ]
    assert result.resources[0].doc["instructions"][0]["heredocs"][0]["body"] == "echo hi\n"


def test_json_and_shell_forms() -> None:
    text = (
        'FROM debian:12\nCMD ["python", "-m", "http.server"]\n'
        'ENTRYPOINT [not json]\nCOPY --chown=app:app --link ["a b", "/dst/"]\n'
    )
    (stage,) = stages(text)
    cmd, entrypoint, copy = stage.doc["instructions"]
    assert (cmd["form"], cmd["args"]) == ("exec", ["python", "-m", "http.server"])
    assert (entrypoint["form"], entrypoint["args"]) == ("shell", ["[not", "json]"])
    assert (copy["form"], copy["args"]) == ("exec", ["a b", "/dst/"])
    assert copy["flags"] == {"chown": "app:app", "link": True}
    assert stage.spans[("instructions", 2, "flags", "chown")] == Span(4, 4)


def test_env_arg_and_label_variables() -> None:
    text = (
        "FROM debian:12\n"
        'ENV A=1 \\\n    B="two words"\n'
        "ENV LEGACY value with spaces\n"
        "ARG TOKEN\n"
        'LABEL org.opencontainers.image.title="app"\n'
    )
    (stage,) = stages(text)
    env, legacy, arg, label = stage.doc["instructions"]
    assert (env["keys"], env["vars"]) == (["A", "B"], {"A": "1", "B": "two words"})
    assert stage.spans[("instructions", 0, "vars", "B")] == Span(3, 3)
    assert legacy["vars"] == {"LEGACY": "value with spaces"}
    assert arg["vars"] == {"TOKEN": None}
    assert label["keys"] == ["org.opencontainers.image.title"]


def test_repeated_flags_become_a_list() -> None:
    text = "FROM debian:12\nRUN --mount=type=cache,target=/a --mount=type=secret,id=b make\n"
    (stage,) = stages(text)
    run = stage.doc["instructions"][0]
    assert run["flags"] == {"mount": ["type=cache,target=/a", "type=secret,id=b"]}
    assert run["value"] == "make"


def test_ignore_comments_are_collected_for_every_stage() -> None:
    text = "FROM a:1\n# garrison:ignore[GAR-DF-001, GAR-DF-024] base image\nFROM b:2\n"
    first, second = stages(text)
    assert first.context["ignores"] == {2: ["GAR-DF-001", "GAR-DF-024"]}
    assert second.context["ignores"] is first.context["ignores"]


def test_crlf_line_endings() -> None:
    (stage,) = stages("FROM debian:12\r\nRUN a \\\r\n  b\r\nUSER app\r\n")
    assert entries(stage) == [("RUN", "a   b"), ("USER", "app")]
    assert stage.spans[("instructions", 1)] == Span(4, 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FROM debian:12\nBOGUS thing\nRUN x\n", [(2, "unknown instruction 'BOGUS'")]),
        ("RUN echo hi\nFROM debian:12\n", [(1, "RUN before the first FROM")]),
        ("ARG A=1\nENV B=2\n", [(2, "ENV before the first FROM"), (1, "no FROM instruction")]),
        ("FROM\n", [(1, "FROM without an image")]),
        ("FROM a:1 AS\n", [(1, "FROM has unexpected words after the image")]),
    ],
)
def test_broken_files_warn_with_the_line(text: str, expected: list[tuple[int, str]]) -> None:
    result = load(text)
    got = [(w.line, w.message) for w in result.warnings]
    assert sorted(got) == sorted((line, f"line {line}: {reason}") for line, reason in expected)
    assert all(w.gap is Gap.READER_FAILED and w.source == "Dockerfile" for w in result.warnings)


def test_template_placeholders_warn_without_raising() -> None:
    result = load("FROM {{ .Base }}\n{{ range .Steps }}\nRUN {{ . }}\n{{ end }}\n")
    assert [w.line for w in result.warnings] == [1, 2, 4]  # `FROM {{`: words after the image


def test_empty_and_comment_only_files_hold_nothing() -> None:
    assert load("") == LoadResult(())
    assert load("# just a comment\n\n") == LoadResult(())


def test_not_utf8_is_a_reader_error() -> None:
    with pytest.raises(ReaderError):
        dockerfile.load(SourceFile("Dockerfile", b"FROM \xff\n"))


def test_every_dockerfile_in_the_corpus_loads() -> None:
    root = shared_path("corpora", "iac")
    seen = 0
    for path in sorted(root.rglob("*")):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if not path.is_file() or not dockerfile.matches(rel):
            continue
        seen += 1
        result = dockerfile.load(SourceFile(str(rel), path.read_bytes()))
        assert result.resources or result.warnings, rel
        for stage in result.resources:
            assert stage.span.start <= stage.span.end
            inside = [s for p, s in stage.spans.items() if p[0] != "global_args"]
            assert all(stage.span.start <= s.start <= s.end <= stage.span.end for s in inside)
    assert seen > 100
