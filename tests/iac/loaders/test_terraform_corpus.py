"""Every Terraform file of the shared corpus loads or warns, and never raises."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from garrison.iac.loaders import terraform
from garrison.inventory.readers.base import SourceFile
from tests.conftest import shared_path


def corpus() -> dict[str, bytes]:
    root = shared_path("corpora", "iac")
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and terraform.matches(PurePosixPath(p.name))
    }


def test_every_file_loads_alone() -> None:
    files = corpus()
    assert len(files) > 400
    loaded = 0
    for path, data in files.items():
        result = terraform.load(SourceFile(path, data))
        assert all(w.source == path for w in result.warnings)
        assert all(r.file == path and r.span.start >= 1 for r in result.resources)
        loaded += len(result.resources)
    assert loaded > 500


def test_the_whole_corpus_loads_as_modules() -> None:
    result = terraform.load_tree(corpus())
    assert result.warnings == ()
    kinds = Counter(r.kind for r in result.resources)
    assert len(result.resources) > 500
    assert kinds["aws_eks_cluster"] >= 1 and kinds["google_container_cluster"] >= 10
    # the EKS module's cluster, evaluated through its examples' module calls
    clusters = [r for r in result.resources if r.kind == "aws_eks_cluster"]
    assert any(r.name.startswith("module.") and r.file.endswith("/main.tf") for r in clusters)
    for resource in result.resources:
        for span in resource.spans.values():
            assert resource.span.start <= span.start <= span.end <= resource.span.end
