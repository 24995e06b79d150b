"""OCI/Docker documents: index and platform choice, manifest, config, facts, digest checks."""

from __future__ import annotations

import io
import json

import pytest

from garrison.errors import ImageError
from garrison.image import oci
from garrison.image.blobs import compression_of, verified
from tests.support.oci_builder import digest

D1, D2, D3, D4 = ("sha256:" + c * 64 for c in "1234")


def _doc(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def _entry(digest_: str, platform: str | None, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {"mediaType": oci.OCI_MANIFEST, "digest": digest_, "size": 10}
    if platform:
        os_, arch, *variant = platform.split("/")
        entry["platform"] = {"os": os_, "architecture": arch} | (
            {"variant": variant[0]} if variant else {}
        )
    return entry | extra


INDEX = _doc(
    schemaVersion=2,
    manifests=[
        _entry(D1, "linux/amd64"),
        _entry(D2, "linux/arm64/v8"),
        _entry(D3, "unknown/unknown", annotations={"vnd.docker.reference.type": "x"}),
        _entry(D4, "linux/arm/v7"),
    ],
)


@pytest.mark.parametrize(
    ("platform", "expected"),
    [(None, D1), ("linux/amd64", D1), ("linux/x86_64", D1), ("linux/arm64", D2),
     ("linux/arm64/v8", D2), ("linux/arm/v7", D4)],
)  # fmt: skip
def test_platform_selection(platform: str | None, expected: str) -> None:
    assert oci.select_manifest(oci.parse_index(INDEX), platform).digest == expected


def test_a_missing_platform_names_the_available_ones() -> None:
    with pytest.raises(ImageError) as info:
        oci.select_manifest(oci.parse_index(INDEX), "linux/s390x")
    assert str(info.value) == (
        "image index: no image for platform linux/s390x; "
        "available: linux/amd64, linux/arm/v7, linux/arm64/v8"
    )


def test_a_single_image_index_gives_its_image_unless_another_platform_is_asked() -> None:
    only_arm = oci.parse_index(_doc(schemaVersion=2, manifests=[_entry(D2, "linux/arm64")]))
    assert oci.select_manifest(only_arm, None).digest == D2
    with pytest.raises(ImageError, match="available: linux/arm64"):
        oci.select_manifest(only_arm, "linux/amd64")
    unspecified = oci.parse_index(_doc(schemaVersion=2, manifests=[_entry(D1, None)]))
    assert oci.select_manifest(unspecified, "linux/arm64").digest == D1  # config decides


@pytest.mark.parametrize("text", ["linux", "linux/", "a/b/c/d", ""])
def test_invalid_platform_strings(text: str) -> None:
    with pytest.raises(ImageError, match="os/arch"):
        oci.parse_platform(text)


GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def _manifest(
    layer_type: str = GZIP_LAYER, config_type: str = oci.OCI_CONFIG, **extra: object
) -> bytes:
    return _doc(
        schemaVersion=2,
        mediaType=oci.OCI_MANIFEST,
        config={"mediaType": config_type, "digest": D1, "size": 5},
        layers=[{"mediaType": layer_type, "digest": D2, "size": 7}],
        **extra,
    )


def test_manifest_parsing_oci_and_docker() -> None:
    parsed = oci.parse_manifest(_manifest(annotations={"b": "2", "a": "1"}))
    assert parsed.config.digest == D1
    assert [(x.digest, x.size) for x in parsed.layers] == [(D2, 7)]
    assert parsed.annotations == (("a", "1"), ("b", "2"))
    docker = oci.parse_manifest(
        _manifest("application/vnd.docker.image.rootfs.diff.tar.gzip", oci.DOCKER_CONFIG)
    )
    assert docker.layers[0].media_type.endswith("diff.tar.gzip")
    foreign = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    assert oci.parse_manifest(_manifest(foreign)).layers[0].media_type in oci.FOREIGN_TYPES


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_manifest("application/vnd.cncf.helm.chart.content.v1.tar+gzip"), "unsupported layer"),
        (_manifest(config_type="application/vnd.oci.empty.v1+json"), "not a container image"),
        (INDEX, "is an image index"),
        (_doc(schemaVersion=1, name="x"), "schemaVersion 2"),
        (b'{"schemaVersion": 2, "schemaVersion": 2}', "duplicate key"),
        (b"[1]", "not a JSON object"),
        (b"{", "not valid JSON"),
        (_manifest().replace(D2.encode(), b"sha256:abc"), "invalid or unsupported digest"),
        (_manifest().replace(b'"size": 7', b'"size": -1'), "non-negative"),
    ],
)
def test_bad_manifests_are_refused(document: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        oci.parse_manifest(document)


CONFIG = _doc(
    created="2024-01-02T03:04:05Z",
    architecture="aarch64",
    os="linux",
    variant="v8",
    config={"Labels": {"org.opencontainers.image.base.name": "debian:12", "team": "x"}},
    rootfs={"type": "layers", "diff_ids": [D3]},
)


def test_config_and_facts() -> None:
    config = oci.parse_config(CONFIG)
    assert (config.created, config.os, config.architecture, config.variant) == (
        "2024-01-02T03:04:05Z", "linux", "arm64", "v8")  # fmt: skip
    manifest = oci.parse_manifest(
        _manifest(annotations={"org.opencontainers.image.base.digest": D4})
    )
    facts = oci.image_facts("img.tar", D1, manifest, config)
    assert facts.diff_ids == (D3,)
    assert (facts.base_name, facts.base_digest) == ("debian:12", D4)
    assert facts.labels == (("org.opencontainers.image.base.name", "debian:12"), ("team", "x"))
    assert (facts.reference, facts.digest, facts.config_digest, facts.pushed) == (
        "img.tar", D1, D1, None)  # fmt: skip


def test_diff_ids_must_match_the_layers() -> None:
    config = oci.parse_config(CONFIG.replace(D3.encode(), f'{D3}", "{D4}'.encode()))
    with pytest.raises(ImageError, match="2 diff_ids for 1 layers"):
        oci.image_facts("x", None, oci.parse_manifest(_manifest()), config)
    with pytest.raises(ImageError, match="diff_ids"):
        oci.parse_config(_doc(os="linux"))


def test_docker_save_manifest() -> None:
    save = oci.parse_docker_save(_doc_list({"Config": "c.json", "Layers": ["a/layer.tar"]}))
    assert (save.config, save.layers) == ("c.json", ("a/layer.tar",))
    with pytest.raises(ImageError, match="holds 2 images"):
        oci.parse_docker_save(_doc_list({"Config": "a", "Layers": []}, {"Config": "b"}))
    with pytest.raises(ImageError, match="Layers"):
        oci.parse_docker_save(_doc_list({"Config": "a"}))


def _doc_list(*entries: object) -> bytes:
    return json.dumps(list(entries)).encode()


def test_verified_streams_check_digest_and_size() -> None:
    data = b"hello blob" * 1000
    assert verified(io.BytesIO(data), digest(data), len(data)).read() == data
    tampered = b"j" + data[1:]
    with pytest.raises(ImageError, match=f"blob {digest(data)} does not match"):
        verified(io.BytesIO(tampered), digest(data), len(data)).read()
    with pytest.raises(ImageError, match="larger than"):
        verified(io.BytesIO(data + b"x"), digest(data), len(data)).read()
    with pytest.raises(ImageError, match="does not match"):
        verified(io.BytesIO(data[:-1]), digest(data), len(data)).read()
    partial = verified(io.BytesIO(tampered), digest(data))
    assert partial.read(5) == b"jello"  # nothing is known until the end


def test_compression_from_magic_bytes() -> None:
    assert compression_of(b"\x1f\x8b\x08\x00", "x") == "gzip"
    assert compression_of(b"\x28\xb5\x2f\xfd", "x") == "zstd"
    assert compression_of(b"usr/", "x") == "none"
    with pytest.raises(ImageError, match="not supported"):
        compression_of(b"\xfd7zXZ\x00", "x")
