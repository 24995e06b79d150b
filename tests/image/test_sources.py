"""Local image sources: docker save, OCI layout, oci-archive; platforms; digests; hostile input."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from garrison.errors import ImageError
from garrison.image.layers import walk_image
from garrison.image.model import Image, ImageFile
from garrison.image.sources import open_image
from garrison.model import ImageFacts
from tests.support.oci_builder import (
    Built,
    ImageSpec,
    LayerSpec,
    docker_save_files,
    file,
    layout_files,
    symlink,
    whiteout,
    write_docker_save,
    write_layout,
    write_oci_archive,
    write_tar,
)

SPEC = ImageSpec(
    [
        LayerSpec(
            [
                file("etc/os-release", "ID=debian\n"),
                file("bin/sh", "sh", 0o755),
                file("etc/old", "old"),
            ],
            "gzip",
        ),
        LayerSpec([whiteout("etc/old"), symlink("etc/alias", "os-release")], "zstd"),
        LayerSpec([file("app/METADATA", "Name: app\n")], "none"),
    ],
    labels={"maintainer": "me"},
    annotations={
        "org.opencontainers.image.base.name": "docker.io/library/debian:12",
        "org.opencontainers.image.base.digest": "sha256:" + "b" * 64,
    },
)
EXPECTED = [("app/METADATA", b"Name: app\n", 2), ("etc/os-release", b"ID=debian\n", 0),
            ("bin/sh", b"sh", 0)]  # fmt: skip


def _everything(path: PurePosixPath, executable: bool, head: bytes, size: int) -> bool:
    return True


def _files(image: Image) -> list[tuple[str, bytes, int]]:
    try:
        return [(str(f.path), f.data, f.layer_index)
                for f in walk_image(image, _everything) if isinstance(f, ImageFile)]  # fmt: skip
    finally:
        image.cleanup()


def _comparable(facts: ImageFacts) -> tuple[object, ...]:
    return (facts.config_digest, facts.created, facts.os, facts.architecture, facts.diff_ids,
            facts.labels, tuple((x.digest, x.size) for x in facts.layers))  # fmt: skip


def _tree(root: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*"))


def test_the_three_formats_give_the_same_image_and_write_nothing(tmp_path: Path) -> None:
    layout = write_layout(tmp_path / "layout", SPEC)
    archive = write_oci_archive(tmp_path / "image.oci.tar", SPEC)
    saved = write_docker_save(tmp_path / "image.docker.tar", SPEC)
    before = _tree(tmp_path.parent)
    opened = [open_image(built.path) for built in (layout, archive, saved)]
    assert [_files(image) for image in opened] == [EXPECTED] * 3
    assert _tree(tmp_path.parent) == before
    facts = [image.facts for image in opened]
    assert len({_comparable(f) for f in facts}) == 1
    assert facts[0].digest == facts[1].digest == layout.digest
    assert facts[0].layers == facts[1].layers
    assert facts[0].annotations == facts[1].annotations == tuple(sorted(SPEC.annotations.items()))
    assert (facts[0].base_name, facts[0].base_digest) == ("docker.io/library/debian:12",
                                                          "sha256:" + "b" * 64)  # fmt: skip
    assert [x.digest for x in facts[0].layers] == list(layout.layer_digests)
    assert facts[0].diff_ids == layout.diff_ids
    assert (facts[2].digest, facts[2].annotations, facts[2].reference) == (
        None,
        (),
        str(saved.path),
    )
    assert [x.media_type.rpartition(".")[2] for x in facts[2].layers] == ["gzip", "zstd", "tar"]


def test_a_docker_save_with_plain_layers_checks_them_against_diff_ids(tmp_path: Path) -> None:
    spec = ImageSpec([LayerSpec([file("a", "1")], "none"), LayerSpec([file("b", "2")], "none")])
    saved = write_docker_save(tmp_path / "d.tar", spec)
    image = open_image(saved.path)
    assert [x.digest for x in image.facts.layers] == list(saved.diff_ids)
    assert {x.media_type for x in image.facts.layers} == {
        "application/vnd.docker.image.rootfs.diff.tar"
    }
    assert _files(image) == [("b", b"2", 1), ("a", b"1", 0)]


def test_an_extracted_docker_save_directory_and_shared_layer_symlinks(tmp_path: Path) -> None:
    spec = ImageSpec([LayerSpec([file("a", "1")], "none"), LayerSpec([file("b", "2")], "none")])
    files = docker_save_files(spec)
    root = tmp_path / "extracted"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    assert _files(open_image(root)) == [("b", b"2", 1), ("a", b"1", 0)]
    # docker save writes a repeated layer once and symlinks the other copy to it
    manifest = json.loads(files["manifest.json"])
    first, second = manifest[0]["Layers"]
    (root / second).unlink()
    (root / second).symlink_to(Path("..") / first)
    with pytest.raises(ImageError, match="does not match"):
        _files(open_image(root))  # the copy is the wrong layer: its diff_id check fails


def test_a_docker_save_naming_blobs_by_digest(tmp_path: Path) -> None:
    files, *_ = layout_files(SPEC)  # Docker 25 writes blobs/sha256/... beside manifest.json
    built = write_layout(tmp_path / "l", SPEC)
    layers = [f"blobs/sha256/{d.removeprefix('sha256:')}" for d in built.layer_digests]
    config = f"blobs/sha256/{built.config_digest.removeprefix('sha256:')}"
    del files["oci-layout"], files["index.json"]
    files["manifest.json"] = json.dumps([{"Config": config, "Layers": layers}]).encode()
    image = open_image(write_tar(tmp_path / "d.tar", files))
    assert [x.digest for x in image.facts.layers] == list(built.layer_digests)
    assert image.facts.config_digest == built.config_digest
    assert _files(image) == EXPECTED


def test_docker_media_types_in_a_layout(tmp_path: Path) -> None:
    spec = ImageSpec([LayerSpec([file("a", "1")], "gzip")], docker_media_types=True)
    image = open_image(write_layout(tmp_path / "l", spec).path)
    assert image.facts.layers[0].media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip"
    assert _files(image) == [("a", b"1", 0)]


def _platforms(tmp_path: Path, write: Callable[..., Built]) -> Built:
    amd = ImageSpec([LayerSpec([file("arch", "amd64")])])
    arm = ImageSpec([LayerSpec([file("arch", "arm64")])], architecture="arm64", variant="v8")
    return write(tmp_path / "multi", amd, arm)


@pytest.mark.parametrize("write", [write_layout, write_oci_archive])
def test_a_multi_platform_index(tmp_path: Path, write: Callable[..., Built]) -> None:
    built = _platforms(tmp_path, write)
    default = open_image(built.path)
    assert default.facts.digest == built.manifests[0]
    assert _files(default) == [("arch", b"amd64", 0)]
    arm = open_image(built.path, platform="linux/arm64")
    assert (arm.facts.digest, arm.facts.architecture) == (built.manifests[1], "arm64")
    assert _files(arm) == [("arch", b"arm64", 0)]
    with pytest.raises(ImageError, match="available: linux/amd64, linux/arm64/v8"):
        open_image(built.path, platform="linux/s390x")


def test_a_single_image_must_match_the_platform_asked_for(tmp_path: Path) -> None:
    built = write_layout(tmp_path / "l", ImageSpec([LayerSpec([file("a", "1")])]))
    with pytest.raises(ImageError, match="is for linux/amd64, not linux/arm64"):
        open_image(built.path, platform="linux/arm64")
    saved = write_docker_save(tmp_path / "d.tar", ImageSpec([LayerSpec([file("a", "1")])]))
    with pytest.raises(ImageError, match="not linux/arm64"):
        open_image(saved.path, platform="linux/arm64")


def _blob(built: Built, digest: str) -> Path:
    return built.path / "blobs/sha256" / digest.removeprefix("sha256:")


def test_a_tampered_layer_fails_when_walked_naming_the_digest(tmp_path: Path) -> None:
    built = write_layout(tmp_path / "l", SPEC)
    target = built.layer_digests[2]  # the uncompressed top layer: tar stays readable
    data = bytearray(_blob(built, target).read_bytes())
    data[data.index(b"Name: app")] = ord("n")
    _blob(built, target).write_bytes(bytes(data))
    image = open_image(built.path)
    with pytest.raises(ImageError, match=f"blob {target} does not match its digest"):
        _files(image)


@pytest.mark.parametrize("which", ["config", "manifest"])
def test_a_tampered_document_fails_when_opened(tmp_path: Path, which: str) -> None:
    built = write_layout(tmp_path / "l", SPEC)
    target = built.config_digest if which == "config" else str(built.digest)
    _blob(built, target).write_bytes(_blob(built, target).read_bytes().replace(b"{", b"{ ", 1))
    with pytest.raises(ImageError, match=target):
        open_image(built.path)


@pytest.mark.parametrize("which", ["layer", "config", "manifest"])
def test_a_missing_blob_is_named(tmp_path: Path, which: str) -> None:
    built = write_layout(tmp_path / "l", SPEC)
    target = {"layer": built.layer_digests[1], "config": built.config_digest,
              "manifest": str(built.digest)}[which]  # fmt: skip
    _blob(built, target).unlink()
    with pytest.raises(ImageError, match=f"{which} blob {target} is missing"):
        open_image(built.path)


def test_a_missing_docker_save_layer_is_named(tmp_path: Path) -> None:
    files = docker_save_files(SPEC)
    layer = json.loads(files["manifest.json"])[0]["Layers"][0]
    del files[layer]
    with pytest.raises(ImageError, match=f"layer {layer} is missing"):
        open_image(write_tar(tmp_path / "d.tar", files))


@pytest.mark.parametrize("bad", ["../escape", "/abs/path", "blobs/../../x"])
def test_hostile_archive_member_names_refuse_the_archive(tmp_path: Path, bad: str) -> None:
    files, *_ = layout_files(SPEC)
    files[bad] = b"x"
    with pytest.raises(ImageError, match="refusing archive member name"):
        open_image(write_tar(tmp_path / "a.tar", files))


def test_a_layout_blob_linking_outside_is_refused(tmp_path: Path) -> None:
    built = write_layout(tmp_path / "l", SPEC)
    outside = tmp_path / "outside"
    outside.write_bytes(_blob(built, built.layer_digests[0]).read_bytes())
    _blob(built, built.layer_digests[0]).unlink()
    _blob(built, built.layer_digests[0]).symlink_to(outside)
    with pytest.raises(ImageError, match="missing"):
        open_image(built.path)


def test_inputs_that_are_not_images(tmp_path: Path) -> None:
    archive = write_oci_archive(tmp_path / "i.tar", SPEC).path
    (tmp_path / "i.tar.gz").write_bytes(gzip.compress(archive.read_bytes()))
    (tmp_path / "text").write_text("hello")
    (tmp_path / "empty").mkdir()
    cases = {"i.tar.gz": "compressed; decompress it first", "text": "not an image archive",
             "empty": "neither an OCI layout", "absent": "no such file"}  # fmt: skip
    for name, message in cases.items():
        with pytest.raises(ImageError, match=message):
            open_image(tmp_path / name)
    with pytest.raises(ImageError, match="os/arch"):
        open_image(archive, platform="amd64")


def test_no_file_descriptor_is_left_open(tmp_path: Path) -> None:
    archive = write_oci_archive(tmp_path / "i.tar", SPEC).path
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        assert _files(open_image(archive)) == EXPECTED
    assert len(os.listdir("/proc/self/fd")) == before
