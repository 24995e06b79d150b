"""Maven pom.xml: declared dependencies, inheritance from local parents, interpolation."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.java import pom_xml
from garrison.model import Gap
from tests.conftest import shared_path
from tests.inventory.readers.helpers import data_file, rows, shared_file, source
from tests.inventory.readers.test_xmltree import BILLION_LAUGHS, EXTERNAL_ENTITY


def warnings(result: ReadResult) -> list[tuple[Gap, int | None, str]]:
    return [(w.gap, w.line, w.message) for w in result.warnings]


def pom(*deps: str, extra: str = "") -> str:
    """A small POM around some <dependency> bodies (one per line, from line 4 on)."""
    body = "\n".join(f"<dependency>{dep}</dependency>" for dep in deps)
    return f"<project>\n{extra}\n<dependencies>\n{body}\n</dependencies>\n</project>\n"


def test_matches_pom_xml_only() -> None:
    assert pom_xml.matches(PurePosixPath("a/pom.xml"))
    assert not pom_xml.matches(PurePosixPath("a/pom.xml.bak"))
    assert not pom_xml.matches(PurePosixPath("a/foo.pom"))


def test_module_inherits_properties_management_and_coordinates_from_its_parent() -> None:
    result = pom_xml.read(data_file("java", "maven-multimodule", "app", "pom.xml"))
    m = "pkg:maven/"
    assert rows(result) == [
        ("Maven", "com.fasterxml.jackson.core:jackson-databind", "2.15.3",
         f"{m}com.fasterxml.jackson.core/jackson-databind@2.15.3", 30, None, True),
        ("Maven", "com.acme.shop:shop-model", "2.3.0",
         f"{m}com.acme.shop/shop-model@2.3.0", 34, None, True),
        ("Maven", "com.google.guava:guava", "32.1.2-jre",
         f"{m}com.google.guava/guava@32.1.2-jre", 38, "optional", True),
        ("Maven", "jakarta.servlet:jakarta.servlet-api", "6.0.0",
         f"{m}jakarta.servlet/jakarta.servlet-api@6.0.0", 44, "optional", True),
        ("Maven", "org.junit.jupiter:junit-jupiter", "5.9.3",
         f"{m}org.junit.jupiter/junit-jupiter@5.9.3", 50, "test", True),
        ("Maven", "software.amazon.awssdk:s3", None,
         f"{m}software.amazon.awssdk/s3", 54, None, True),
        ("Maven", "org.postgresql:postgresql", None,
         f"{m}org.postgresql/postgresql", 58, None, True),
        ("Maven", "commons-io:commons-io", "2.13.0",
         f"{m}commons-io/commons-io@2.13.0", 69, None, True),
        ("Maven", "com.h2database:h2", "2.2.220", f"{m}com.h2database/h2@2.2.220", 103, None, True),
        ("Maven", "io.micrometer:micrometer-core", "1.11.4",
         f"{m}io.micrometer/micrometer-core@1.11.4", 113, "optional", True),
    ]  # fmt: skip
    assert warnings(result) == [
        (Gap.NO_VERSION, 54, "line 54: software.amazon.awssdk:s3: no version: no <version> and no "
         "dependencyManagement entry; it may be managed by the imported BOM "
         "software.amazon.awssdk:bom:2.20.162 (not fetched)"),
        (Gap.NO_VERSION, 58, "line 58: org.postgresql:postgresql: no version: version "
         "'${postgresql.version}' uses the undefined property 'postgresql.version'"),
        (Gap.UNPINNED, 64, "line 64: org.eclipse.jetty:jetty-server: version range "
         "'[9.4.35.v20201120,9.5)' is not pinned; no component reported"),
    ]  # fmt: skip
    assert result.dependencies == ()
    assert {w.source for w in result.warnings} == {"java/maven-multimodule/app/pom.xml"}


def test_the_parent_reports_its_own_dependencies() -> None:
    result = pom_xml.read(data_file("java", "maven-multimodule", "pom.xml"))
    assert rows(result) == [
        ("Maven", "org.slf4j:slf4j-api", "1.7.36", "pkg:maven/org.slf4j/slf4j-api@1.7.36", 48,
         None, True),
    ]  # fmt: skip
    assert result.warnings == ()


def test_a_parent_outside_the_tree_is_named_in_each_no_version_warning() -> None:
    result = pom_xml.read(data_file("java", "maven-remote-parent", "pom.xml"))
    assert [(name, version, scope) for _, name, version, _, _, scope, _ in rows(result)] == [
        ("org.springframework.boot:spring-boot-starter-web", None, None),
        ("org.springdoc:springdoc-openapi-starter-webmvc-ui", "2.2.0", None),
        ("org.springframework.boot:spring-boot-starter-test", None, "test"),
    ]
    why = (": no version: no <version> and no dependencyManagement entry; parent POM "
           "org.springframework.boot:spring-boot-starter-parent:3.1.4 has an empty "
           "relativePath and is not fetched")  # fmt: skip
    assert warnings(result) == [
        (Gap.NO_VERSION, 15, f"line 15: org.springframework.boot:spring-boot-starter-web{why}"),
        (Gap.NO_VERSION, 24, f"line 24: org.springframework.boot:spring-boot-starter-test{why}"),
    ]


PARENT = """<project>
  <groupId>org.acme</groupId><artifactId>base</artifactId><version>7</version>
  <properties><lib.version>1.2.3</lib.version></properties>
</project>"""
CHILD = """<project>
  <parent><groupId>org.acme</groupId><artifactId>base</artifactId><version>7</version>{rel}</parent>
  <artifactId>child</artifactId>
  <dependencies><dependency>
    <groupId>org.lib</groupId><artifactId>lib</artifactId><version>${{lib.version}}</version>
  </dependency><dependency>
    <groupId>org.acme</groupId><artifactId>sibling</artifactId><version>${{project.version}}</version>
  </dependency></dependencies>
</project>"""


@pytest.mark.parametrize(
    ("relative_path", "siblings"),
    [
        ("", {"../pom.xml": PARENT}),
        ("<relativePath>../base</relativePath>", {"../base/pom.xml": PARENT}),
        ("<relativePath>../base/base.xml</relativePath>", {"../base/base.xml": PARENT}),
    ],
)
def test_the_parent_is_found_by_relative_path(
    relative_path: str, siblings: dict[str, bytes | str]
) -> None:
    result = pom_xml.read(source("app/pom.xml", CHILD.format(rel=relative_path), siblings))
    assert [(c.name, c.version) for c in result.components] == [
        ("org.lib:lib", "1.2.3"),
        ("org.acme:sibling", "7"),
    ]
    assert result.warnings == ()


def test_an_absolute_relative_path_is_not_followed() -> None:
    child = CHILD.format(rel="<relativePath>/etc/pom.xml</relativePath>")
    result = pom_xml.read(source("app/pom.xml", child, {"/etc/pom.xml": PARENT}))
    assert [c.version for c in result.components] == [None, "7"]
    assert result.warnings[0].message.endswith(
        "parent POM org.acme:base:7 has an absolute relativePath and is not read"
    )


def test_a_parent_of_another_version_is_not_used() -> None:
    other = PARENT.replace("<version>7</version>", "<version>6</version>")
    result = pom_xml.read(source("app/pom.xml", CHILD.format(rel=""), {"../pom.xml": other}))
    assert [c.version for c in result.components] == [None, "7"]


def test_a_pom_at_the_relative_path_that_is_not_the_parent_is_not_used() -> None:
    other = PARENT.replace("<artifactId>base</artifactId>", "<artifactId>aggregator</artifactId>")
    result = pom_xml.read(source("app/pom.xml", CHILD.format(rel=""), {"../pom.xml": other}))
    assert [(c.name, c.version) for c in result.components] == [
        ("org.lib:lib", None),
        ("org.acme:sibling", "7"),  # the parent's version is inherited all the same
    ]
    assert warnings(result) == [
        (Gap.NO_VERSION, 4, "line 4: org.lib:lib: no version: version '${lib.version}' uses the "
         "undefined property 'lib.version'; parent POM org.acme:base:7 is not the POM at "
         "pom.xml and is not fetched"),  # paths in messages are relative to the target
    ]  # fmt: skip


def test_grandparents_are_followed_relative_to_each_parent_and_cycles_stop() -> None:
    grandparent = PARENT.replace("<version>7</version>", "<version>1</version>", 1)
    parent = """<project>
      <parent><groupId>org.acme</groupId><artifactId>base</artifactId><version>1</version>
        <relativePath>../root/pom.xml</relativePath></parent>
      <groupId>org.acme</groupId><artifactId>base</artifactId><version>7</version>
    </project>"""
    siblings: dict[str, bytes | str] = {"../mid/pom.xml": parent, "../root/pom.xml": grandparent}
    child = CHILD.format(rel="<relativePath>../mid/pom.xml</relativePath>")
    result = pom_xml.read(source("app/pom.xml", child, siblings))
    assert [(c.name, c.version) for c in result.components] == [
        ("org.lib:lib", "1.2.3"),
        ("org.acme:sibling", "7"),
    ]
    selfish = CHILD.format(rel="<relativePath>pom.xml</relativePath>")
    looping = pom_xml.read(source("pom.xml", selfish, {"pom.xml": selfish}))
    assert [c.version for c in looping.components] == [None, "7"]  # the parent's version


def test_profiles_versions_and_names() -> None:
    text = pom(
        "<groupId>a</groupId><artifactId>exact</artifactId><version>[1.0]</version>",
        "<groupId>a</groupId><artifactId>soft</artifactId><version> 2.0 </version>",
        "<groupId>a</groupId><artifactId>set</artifactId><version>[1.0,2.0),[3.0,)</version>",
        "<artifactId>nameless</artifactId><version>1</version>",
        "<groupId>${who}</groupId><artifactId>x</artifactId><version>1</version>",
        "<groupId>a</groupId><artifactId>dup</artifactId><version>1</version>",
        "<groupId>a</groupId><artifactId>dup</artifactId><version>1</version><type>test-jar</type>"
        "<scope>test</scope>",
        "<groupId>a</groupId><artifactId>dup</artifactId><version>2</version>",
        "<groupId>a</groupId><artifactId>sys</artifactId><version>1</version><scope>system</scope>",
        "<groupId>a</groupId><artifactId>opt-test</artifactId><version>1</version>"
        "<scope>test</scope><optional>true</optional>",
    )
    result = pom_xml.read(source("pom.xml", text))
    assert [
        (name, version, line, scope) for _, name, version, _, line, scope, _ in rows(result)
    ] == [
        ("a:exact", "1.0", 4, None),
        ("a:soft", "2.0", 5, None),
        ("a:dup", "1", 9, None),  # one component per name and version: the first wins
        ("a:dup", "2", 11, None),  # Maven would warn of the duplicate; both are reported
        ("a:sys", "1", 12, "optional"),
        ("a:opt-test", "1", 13, "test"),
    ]
    assert warnings(result) == [
        (Gap.UNPINNED, 6, "line 6: a:set: version range '[1.0,2.0),[3.0,)' is not pinned; "
         "no component reported"),
        (Gap.UNMATCHED, 7, "line 7: dependency ?:nameless has no groupId or artifactId; "
         "not reported"),
        (Gap.UNMATCHED, 8, "line 8: dependency ${who}:x is undefined; not reported"),
    ]  # fmt: skip


def test_recursive_and_cyclic_properties() -> None:
    extra = "<properties><a>${b}</a><b>${c}</c><c>4.0</c><x>${y}</x><y>${x}</y></properties>"
    text = pom(
        "<groupId>g</groupId><artifactId>deep</artifactId><version>${a}</version>",
        "<groupId>g</groupId><artifactId>loop</artifactId><version>${x}</version>",
        extra=extra.replace("${c}</c>", "${c}</b>"),
    )
    result = pom_xml.read(source("pom.xml", text))
    assert [(c.name, c.version) for c in result.components] == [("g:deep", "4.0"), ("g:loop", None)]
    assert [w.gap for w in result.warnings] == [Gap.NO_VERSION]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\xff\xfe garbage", "pom.xml: line 1: invalid XML"),
        (b"", "pom.xml: line 1: invalid XML: no element found"),
        (
            "<settings><servers/></settings>",
            "pom.xml: line 1: not a Maven POM (root element <settings>)",
        ),
        ('["a", "list"]', "pom.xml: line 1: invalid XML: syntax error"),
        (BILLION_LAUGHS, "pom.xml: line 2: a DOCTYPE declaration is not allowed"),
        (EXTERNAL_ENTITY, "pom.xml: line 2: a DOCTYPE declaration is not allowed"),
    ],
)
def test_junk_is_a_reader_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        pom_xml.read(source("pom.xml", data))
    assert str(caught.value).startswith(reason)


def test_a_truncated_pom_is_a_reader_error() -> None:
    whole = data_file("java", "maven-multimodule", "app", "pom.xml").data
    with pytest.raises(ReaderError, match=r"^pom.xml: line \d+: invalid XML"):
        pom_xml.read(source("pom.xml", whole[: len(whole) // 2]))


def test_a_broken_parent_is_named_not_fatal() -> None:
    result = pom_xml.read(source("app/pom.xml", CHILD.format(rel=""), {"../pom.xml": "<project"}))
    assert [c.version for c in result.components] == [None, "7"]
    assert "parent POM org.acme:base:7 could not be read (pom.xml: line 1: invalid XML" in (
        result.warnings[0].message
    )


def test_a_large_pom_is_read_whole() -> None:
    deps = [f"<groupId>g{i}</groupId><artifactId>a</artifactId><version>${{v}}</version>"
            for i in range(5_000)]  # fmt: skip
    text = pom(*deps, extra="<properties><v>1.0</v></properties>")
    result = pom_xml.read(source("pom.xml", text))
    assert len(result.components) == 5_000
    assert {c.version for c in result.components} == {"1.0"}


# --- the shared samples (another scanner's test data) ------------------------------------

SAMPLES = ("fixtures", "lockfiles", "language", "java", "pomxml")


def test_every_shared_sample_reads_or_is_a_reader_error() -> None:
    for path in sorted(shared_path(*SAMPLES).rglob("*")):
        if path.is_file():
            try:
                assert isinstance(pom_xml.read(shared_file(path)), ReadResult)
            except ReaderError:
                assert path.name.startswith(("not-", "invalid")), path


def test_shared_sample_with_parent() -> None:
    result = pom_xml.read(shared_file(shared_path(*SAMPLES, "with-parent.xml")))
    assert [(c.name, c.version, c.location.line if c.location else None)
            for c in result.components] == [
        ("org.alice:alice", "1.0.0", 18),
        ("org.bob:bob", "2.0.0", 23),
        ("org.chuck:chuck", "3.0.0", 28),
        ("org.frank:frank", None, 32),
    ]  # fmt: skip
    assert warnings(result) == [
        (Gap.NO_VERSION, 32, "line 32: org.frank:frank: no version: no <version> and no "
         "dependencyManagement entry; it may be managed by the imported BOM "
         "org.import:import:1.2.3 (not fetched); parent POM org.upstream:parent-pom:1.0 is not "
         "in the scanned tree and is not fetched"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("with-scope.xml", [("abc:xyz", "1.2.3", 3, None), ("junit:junit", "4.12", 9, "test")]),
        ("with-dependency-management.xml", [
            ("io.netty:netty-all", "4.1.9", 7, None),
            ("org.slf4j:slf4j-log4j12", "1.7.25", 12, None),
        ]),
        ("interpolation.xml", [
            ("org.mine:mypackage", "1.0.0", 18, None),
            ("org.mine:my.package", "2.3.4", 24, None),
        ]),
        ("interpolate-drop.xml", [("com.example:actual-artifact", "1.0.0", 11, None)]),
        ("plugin-dependency.xml", [("com.example:hijack-lib", "1.0.0", 27, None)]),
        ("profiles.xml", [("org.profile:profile-dep", "1.2.3", 15, None)]),
        ("encoding.xml", [("junit:junit", "4.12", 16, None)]),
        ("empty.xml", []),
    ],
)  # fmt: skip
def test_shared_samples(name: str, expected: list[tuple[str, str, int, str | None]]) -> None:
    result = pom_xml.read(shared_file(shared_path(*SAMPLES, name)))
    assert [(n, v, line, scope) for _, n, v, _, line, scope, _ in rows(result)] == expected
    assert all(c.direct for c in result.components)


def test_shared_samples_that_are_not_poms() -> None:
    for name in ("not-pom.txt", "invalid-syntax.xml"):
        with pytest.raises(ReaderError, match=r"line \d+: invalid XML"):
            pom_xml.read(shared_file(shared_path(*SAMPLES, name)))
