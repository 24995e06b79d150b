"""MSBuild project files: PackageReference items, central versions, properties, XML safety."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.dotnet import csproj
from garrison.model import Gap
from tests.conftest import shared_path
from tests.inventory.readers.helpers import data_file, rows, shared_file, source
from tests.inventory.readers.test_xmltree import BILLION_LAUGHS, EXTERNAL_ENTITY


def warnings(result: ReadResult) -> list[tuple[Gap, int | None, str]]:
    return [(w.gap, w.line, w.message) for w in result.warnings]


def project(*items: str) -> str:
    body = "\n".join(items)
    return f'<Project Sdk="Microsoft.NET.Sdk">\n<ItemGroup>\n{body}\n</ItemGroup>\n</Project>\n'


@pytest.mark.parametrize(
    ("path", "claimed"),
    [("src/App/App.csproj", True), ("Lib.fsproj", True), ("Old.VBPROJ", True),
     ("App.csproj.user", False), ("Directory.Packages.props", False)],
)  # fmt: skip
def test_matches(path: str, claimed: bool) -> None:
    assert csproj.matches(PurePosixPath(path)) is claimed


def test_package_references_in_every_form() -> None:
    result = csproj.read(data_file("dotnet", "project", "Legacy.Web.csproj"))
    n = "pkg:nuget/"
    assert rows(result) == [
        ("NuGet", "AutoMapper", "12.0.1", f"{n}AutoMapper@12.0.1", 8, None, True),
        ("NuGet", "Dapper", "2.1.0", f"{n}Dapper@2.1.0", 9, None, True),  # the Update's version
        ("NuGet", "Azure.Identity", "1.10.2", f"{n}Azure.Identity@1.10.2", 12, None, True),
        ("NuGet", "Azure.Storage.Blobs", "12.18.0", f"{n}Azure.Storage.Blobs@12.18.0", 13, None,
         True),
        ("NuGet", "Microsoft.SourceLink.GitHub", "1.1.1", f"{n}Microsoft.SourceLink.GitHub@1.1.1",
         16, "dev", True),
        ("NuGet", "Grpc.Tools", None, f"{n}Grpc.Tools", 17, None, True),
        ("NuGet", "System.Text.Json", "6.0.8", f"{n}System.Text.Json@6.0.8", 22, None, True),
        ("NuGet", "dotnet-ef", "2.0.3", f"{n}dotnet-ef@2.0.3", 25, "dev", True),
    ]  # fmt: skip
    assert warnings(result) == [
        (Gap.UNMATCHED, 19, "line 19: PackageReference without a package name; not reported"),
        (Gap.UNPINNED, 14, "line 14: NLog: version '5.*' floats or is a range; "
         "no component reported"),
        (Gap.UNPINNED, 15, "line 15: Npgsql: version '[7.0.0,8.0.0)' floats or is a range; "
         "no component reported"),
        (Gap.NO_VERSION, 17, "line 17: Grpc.Tools: no version: version '$(GrpcVersion)' uses "
         "the undefined property 'GrpcVersion'"),
    ]  # fmt: skip
    assert result.dependencies == ()


def test_central_package_management_two_directories_up() -> None:
    result = csproj.read(data_file("dotnet", "cpm", "src", "Shop.Api", "Shop.Api.csproj"))
    assert [
        (name, version, line, scope) for _, name, version, _, line, scope, _ in rows(result)
    ] == [
        # $(EfCoreVersion): Directory.Packages.props is imported after Directory.Build.props
        ("Microsoft.EntityFrameworkCore", "8.0.0", 6, None),
        ("newtonsoft.json", "13.0.1", 7, None),  # VersionOverride; ids match ignoring case
        ("Serilog", "3.0.1", 8, None),  # $(SerilogVersion) from Directory.Build.props
        ("StyleCop.Analyzers", "1.2.0-beta.507", 9, "dev"),
        ("Polly", None, 13, None),
    ]
    assert warnings(result) == [
        (Gap.NO_VERSION, 13, "line 13: Polly: no version: no Version, and "
         "../../Directory.Packages.props has no PackageVersion for it"),
    ]  # fmt: skip


def test_items_are_evaluated_in_order() -> None:
    text = project(
        '<PackageReference Include="A;B" Version="1.0.0" />',
        '<PackageReference Remove="B" />',
        '<PackageReference Update="a"><Version>1.1.0</Version></PackageReference>',
        '<PackageReference Update="C" Version="9.9.9" />',
        '<PackageReference Include="C" Version="3.0.0" PrivateAssets="compile; all" />',
        '<PackageReference Include="$(Missing)" Version="1.0.0" />',
        '<PackageReference Include="D" Version="[2.0.0]" PrivateAssets="analyzers" />',
        '<PackageReference Include="E" Version="" />',
    )
    result = csproj.read(source("App.csproj", text))
    assert [(c.name, c.version, c.location.line if c.location else None, c.scope)
            for c in result.components] == [
        ("A", "1.1.0", 3, None),
        ("C", "3.0.0", 7, "dev"),
        ("D", "2.0.0", 9, None),
        ("E", None, 10, None),
    ]  # fmt: skip
    assert warnings(result) == [
        (Gap.UNMATCHED, 8, "line 8: PackageReference '$(Missing)' uses the undefined property "
         "'Missing'; not reported"),
        (Gap.NO_VERSION, 10, "line 10: E: no version: no Version, and no "
         "Directory.Packages.props was found"),
    ]  # fmt: skip


def test_choose_branches_and_property_functions() -> None:
    text = """<Project>
  <Choose>
    <When Condition="'$(TargetFramework)' == 'net48'">
      <ItemGroup><PackageReference Include="A" Version="1.0.0" /></ItemGroup>
    </When>
    <Otherwise>
      <ItemGroup>
        <PackageReference Include="B" Version="$([System.String]::Concat('2.', '0'))" />
      </ItemGroup>
    </Otherwise>
  </Choose>
</Project>"""
    result = csproj.read(source("App.csproj", text))
    assert [(c.name, c.version, c.location.line if c.location else None)
            for c in result.components] == [("A", "1.0.0", 4), ("B", None, 8)]  # fmt: skip
    assert warnings(result) == [
        (Gap.NO_VERSION, 8, "line 8: B: no version: version \"$([System.String]::Concat('2.', "
         "'0'))\" needs \"$([System.String]::Concat('2.', '0'))\", which is not evaluated"),
    ]  # fmt: skip


def test_a_broken_directory_packages_props_is_named_not_fatal() -> None:
    text = project('<PackageReference Include="A" />')
    result = csproj.read(source("App.csproj", text, {"../Directory.Packages.props": "<Project>"}))
    assert [(c.name, c.version) for c in result.components] == [("A", None)]
    assert warnings(result)[0][2].startswith(
        "line 3: A: no version: no Version, and ../Directory.Packages.props could not be read "
        "(../Directory.Packages.props: line 1: invalid XML"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\xff\xfe garbage", "App.csproj: line 1: invalid XML"),
        (b"", "App.csproj: line 1: invalid XML: no element found"),
        ("<packages><package id='A'/></packages>", "App.csproj: line 1: not an MSBuild project"),
        ('{"json": true}', "App.csproj: line 1: invalid XML: not well-formed"),
        (BILLION_LAUGHS, "App.csproj: line 2: a DOCTYPE declaration is not allowed"),
        (EXTERNAL_ENTITY, "App.csproj: line 2: a DOCTYPE declaration is not allowed"),
    ],
)
def test_junk_is_a_reader_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        csproj.read(source("App.csproj", data))
    assert str(caught.value).startswith(reason)


def test_a_truncated_project_is_a_reader_error() -> None:
    whole = data_file("dotnet", "project", "Legacy.Web.csproj").data
    with pytest.raises(ReaderError, match=r"^App.csproj: line \d+: invalid XML"):
        csproj.read(source("App.csproj", whole[: len(whole) // 2]))


# --- the shared samples (another scanner's test data) ------------------------------------

SAMPLES = ("fixtures", "lockfiles", "language", "dotnet", "csproj")


def test_every_shared_sample_reads_or_is_a_reader_error() -> None:
    for path in sorted(shared_path(*SAMPLES).rglob("*")):
        if path.is_file():
            try:
                assert isinstance(csproj.read(shared_file(path)), ReadResult)
            except ReaderError:
                assert path.name == "invalid", path


@pytest.mark.parametrize(
    ("name", "components", "messages"),
    [
        ("valid", [("LiteDB", "5.0.12")], []),
        ("noversion", [("LiteDB", None)],
         ["line 3: LiteDB: no version: no Version, and no Directory.Packages.props was found"]),
        ("emptyversion", [("LiteDB", None)],
         ["line 3: LiteDB: no version: no Version, and no Directory.Packages.props was found"]),
        ("emptyinclude", [], ["line 3: PackageReference without a package name; not reported"]),
        ("nopackage", [], ["line 3: PackageReference without a package name; not reported"]),
    ],
)  # fmt: skip
def test_shared_samples(
    name: str, components: list[tuple[str, str | None]], messages: list[str]
) -> None:
    result = csproj.read(shared_file(shared_path(*SAMPLES, name)))
    assert [(c.name, c.version) for c in result.components] == components
    assert [w.message for w in result.warnings] == messages
