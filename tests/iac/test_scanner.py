"""The misconfiguration scanner: walking, claiming, size limits, loader failures, single
files, kustomize rendering, and `run_scan` with the misconfig scanner (no database)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

import pytest

from garrison.errors import InputError
from garrison.iac import loaders, scanner
from garrison.iac.model import LoadResult, Resource, Span
from garrison.iac.registry import parse_check
from garrison.iac.scanner import is_iac_file, loader_for, scan_misconfig
from garrison.inventory.readers.base import ReaderError, SourceFile
from garrison.model import Gap, ScanWarning
from garrison.scan import check_scanners, run_scan
from tests.conftest import DATA as ROOT_DATA
from tests.conftest import shared_path

CHECK = parse_check(
    {
        "id": "T-DF-001",
        "title": "Runs as root",
        "severity": "HIGH",
        "description": "d",
        "remediation": "r",
        "source": "dockerfile",
        "kinds": ["stage"],
        "fail_if": {"path": "user", "in": ["root", "0"]},
    },
    "t.yaml",
)


def load_lines(source: SourceFile) -> LoadResult:
    """A toy loader: `key=value` lines make one "stage"; `boom` is a reader error,
    `crash` a bug, `warn` a warning."""
    text = source.text()
    if "boom" in text:
        raise ReaderError(f"{source.path}: line 1: boom")
    if "crash" in text:
        raise KeyError("crash")
    doc: dict[str, Any] = {}
    spans = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, _, value = line.partition("=")
        doc[key] = value
        spans[(key,)] = Span(number, number)
    warnings = (
        (ScanWarning(source.path, "line 1: odd", Gap.READER_FAILED, 1),) if "warn" in doc else ()
    )
    last = max(1, len(text.splitlines()))
    resource = Resource("dockerfile", "stage", "s", source.path, doc, Span(1, last), spans, {})
    return LoadResult((resource,), warnings)


TOY = SimpleNamespace(
    NAME="toy", SOURCE="dockerfile", matches=lambda p: p.suffix == ".toy", load=load_lines
)
NOTHING = SimpleNamespace(
    NAME="nothing", SOURCE="dockerfile", matches=lambda p: p.name == "a.toy",
    load=lambda s: LoadResult(()),
)  # fmt: skip


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def located(result: scanner.MisconfigResult) -> list[tuple[str, int | None]]:
    return [(f.location.path, f.location.line) for f in result.findings if f.location]


def test_walks_a_directory_with_the_first_loader_that_claims(tmp_path: Path) -> None:
    write(tmp_path, "a.toy", "from=x\nuser=root\n")
    write(tmp_path, "sub/b.toy", "user=0\n")
    write(tmp_path, "sub/c.toy", "user=app\n")
    write(tmp_path, "README.md", "user=root\n")
    write(tmp_path, ".garrison/checks/x.toy", "user=root\n")  # never scanned
    result = scan_misconfig(tmp_path, [CHECK], candidates=[TOY])
    assert located(result) == [("a.toy", 2), ("sub/b.toy", 1)]
    assert (result.resources, result.warnings) == (3, ())
    first = scan_misconfig(tmp_path, [CHECK], candidates=[NOTHING, TOY])
    assert located(first) == [("sub/b.toy", 1)]  # a.toy went to NOTHING
    assert loader_for(PurePosixPath("x.toy"), [NOTHING, TOY]) is TOY


def test_excludes(tmp_path: Path) -> None:
    write(tmp_path, "a.toy", "user=root\n")
    write(tmp_path, "vendor/b.toy", "user=root\n")
    result = scan_misconfig(tmp_path, [CHECK], excludes=["vendor"], candidates=[TOY])
    assert located(result) == [("a.toy", 1)]


def test_failures_become_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.toy", "boom\n")
    write(tmp_path, "b.toy", "crash\n")
    write(tmp_path, "c.toy", "warn=1\nuser=root\n")
    write(tmp_path, "d.toy", "user=root\n" + "x=" + "y" * 100 + "\n")
    monkeypatch.setattr(scanner, "MAX_BYTES", 64)
    result = scan_misconfig(tmp_path, [CHECK], candidates=[TOY])
    assert located(result) == [("c.toy", 2)]
    assert [(w.source, w.gap, w.message) for w in result.warnings] == [
        ("a.toy", Gap.READER_FAILED, "line 1: boom"),
        ("b.toy", Gap.READER_FAILED, "toy loader failed unexpectedly (KeyError)"),
        ("c.toy", Gap.READER_FAILED, "line 1: odd"),
        ("d.toy", Gap.SKIPPED, "113 bytes, over the 64 byte limit for IaC files"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_an_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toy", "user=root\n")
    path.chmod(0)
    try:
        result = scan_misconfig(tmp_path, [CHECK], candidates=[TOY])
    finally:
        path.chmod(0o644)
    assert [(w.source, w.gap) for w in result.warnings] == [("a.toy", Gap.SKIPPED)]


def test_a_single_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "deep/a.toy", "user=root\n")
    result = scan_misconfig(path, [CHECK], candidates=[TOY])
    assert located(result) == [("a.toy", 1)]
    monkeypatch.setattr(loaders, "LOADERS", (TOY,))
    assert is_iac_file(path)
    assert not is_iac_file(tmp_path / "deep")
    assert not is_iac_file(write(tmp_path, "x.txt", ""))


def test_ignored_findings_are_kept_apart_and_marked(tmp_path: Path) -> None:
    def with_ignores(source: SourceFile) -> LoadResult:
        loaded = load_lines(source)
        resource = loaded.resources[0]
        context = {"ignores": {1: ["T-DF-001"]}}
        return LoadResult((Resource(**{**resource.__dict__, "context": context}),))

    write(tmp_path, "a.toy", "user=root\n")
    ignoring = SimpleNamespace(NAME="i", matches=TOY.matches, load=with_ignores)
    result = scan_misconfig(tmp_path, [CHECK], candidates=[ignoring])
    assert result.findings == ()
    assert [(f.id, f.inline_ignore) for f in result.ignored] == [("T-DF-001", "")]


def test_kustomizations_replace_the_renderers_plain_files(tmp_path: Path) -> None:
    rendered_calls: list[tuple[Path, str]] = []

    def render(directory: Path, rel: str) -> LoadResult | None:
        rendered_calls.append((directory, rel))
        if rel == "broken":
            return LoadResult((), (ScanWarning("broken/kustomization.toy", "failed"),))
        doc = {"user": "root"}
        resource = Resource("dockerfile", "stage", "r", f"{rel}/kustomization.toy", doc, Span(1, 1))
        return LoadResult((resource,))

    renderer = SimpleNamespace(
        NAME="k", matches=TOY.matches, load=load_lines,
        KUSTOMIZATION_FILES=("kustomization.toy",), render_kustomization=render,
    )  # fmt: skip
    write(tmp_path, "app/kustomization.toy", "kind=Kustomization\n")
    write(tmp_path, "app/deploy.toy", "user=root\n")  # rendered instead
    write(tmp_path, "app/sub/other.toy", "user=root\n")  # another directory: loaded
    write(tmp_path, "broken/kustomization.toy", "kind=Kustomization\n")
    write(tmp_path, "broken/deploy.toy", "user=root\n")  # rendering failed: loaded
    result = scan_misconfig(tmp_path, [CHECK], candidates=[renderer])
    assert [rel for _, rel in rendered_calls] == ["app", "broken"]
    assert rendered_calls[0][0] == tmp_path / "app"
    assert located(result) == [
        ("app/kustomization.toy", 1), ("app/sub/other.toy", 1), ("broken/deploy.toy", 1),
    ]  # fmt: skip
    assert [w.message for w in result.warnings] == ["failed"]


# --- run_scan -------------------------------------------------------------------------------


def test_scanner_names() -> None:
    assert check_scanners(["misconfig", "vuln", "misconfig"]) == ("misconfig", "vuln")
    with pytest.raises(InputError, match="unknown scanner"):
        check_scanners(["secrets"])
    with pytest.raises(InputError, match="no scanner"):
        check_scanners([])


def test_run_scan_misconfig_needs_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loaders, "LOADERS", (TOY,))
    monkeypatch.setattr(scanner, "load_checks", lambda root: (CHECK,))
    write(tmp_path, "a.toy", "user=root\n")
    write(tmp_path, "requirements.txt", "six==1.0\n")
    result = run_scan(tmp_path, None, scanners=("misconfig",))
    assert [f.id for f in result.findings] == ["T-DF-001"]
    assert result.components == ()  # no inventory without the vuln scanner
    single = run_scan(tmp_path / "a.toy", None, scanners=["misconfig"])
    assert [f.location.path for f in single.findings if f.location] == ["a.toy"]


def test_run_scan_refuses_what_misconfig_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loaders, "LOADERS", (TOY,))
    with pytest.raises(InputError, match="needs a directory or an IaC file"):
        run_scan(write(tmp_path, "x.txt", ""), None, scanners=("misconfig",))
    with pytest.raises(InputError, match="needs the vulnerability database"):
        run_scan(tmp_path, None, scanners=("vuln",))


# --- the real corpus --------------------------------------------------------------------------


def test_the_corpus_scans_without_loader_crashes() -> None:
    corpus = shared_path("corpora", "iac")
    result = scan_misconfig(corpus, ())
    crashes = [w for w in result.warnings if "failed unexpectedly" in w.message]
    assert crashes == []
    if loaders.LOADERS:
        assert result.resources > 0


def test_real_kustomize_rendering(tmp_path: Path) -> None:
    """kubectl kustomize really runs (CI installs Debian's kubectl); the rendered objects are
    checked instead of the plain files, so the patch that hardens the pod is honoured."""
    import shutil

    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is absent (apt-get install kubectl; CI installs it)")
    app = tmp_path / "app"
    app.mkdir()
    (app / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n"
        "    metadata: {labels: {app: web}}\n"
        "    spec:\n      containers:\n        - {name: web, image: nginx:1.27}\n"
    )
    (app / "kustomization.yaml").write_text(
        "resources: [deployment.yaml]\nnamePrefix: prod-\n"
        "patches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n"
        "      - op: add\n        path: /spec/template/spec/containers/0/securityContext\n"
        "        value: {privileged: true}\n"
    )
    result = scan_misconfig(app)
    privileged = [f for f in result.findings if f.id == "GAR-K8S-001"]
    assert [f.location.path for f in privileged] == ["kustomization.yaml"]  # type: ignore[union-attr]
    assert result.resources == 1  # the rendered Deployment, not the plain file again


def test_run_scan_shows_the_network_policy_view() -> None:
    from garrison.scan import run_scan

    result = run_scan(ROOT_DATA / "iac" / "kubernetes" / "shop", None, scanners=("misconfig",))
    (note,) = result.notes
    assert note.startswith("NetworkPolicy view (zero trust):\nNAMESPACE")
    assert "shop/Deployment/storefront (deployment.yaml:1)" in note
