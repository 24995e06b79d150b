"""Pulls from a real registry (Debian's docker-registry 2.8) on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from garrison.errors import ImageError, RegistryError
from garrison.image.layers import walk_image
from garrison.image.model import ImageFile
from garrison.image.pull import open_image, pull
from garrison.image.registry import RegistryClient
from tests.support import registry as support
from tests.support.registry import (
    PASSWORD,
    USER,
    RealRegistry,
    make_index,
    push,
    pushable,
    run_registry,
    simple,
    spec,
)

AMD64_SPEC = spec(
    "ID=debian\nVERSION_ID=12\n",
    created="2024-05-01T10:00:00Z",
    labels={"org.opencontainers.image.version": "1.4"},
    annotations={"org.opencontainers.image.base.name": "debian:12"},
)
ARM64_SPEC = spec("ID=debian\n", architecture="arm64", variant="v8")
AMD64, ARM64 = pushable(AMD64_SPEC), pushable(ARM64_SPEC)
S390X = simple("ID=debian\n", architecture="s390x")
DOCKER_ARM64 = simple("ID=ubuntu\n", architecture="arm64", docker_media_types=True)
ARM = {"os": "linux", "architecture": "arm64", "variant": "v8"}


@pytest.fixture(scope="module")
def open_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRegistry]:
    with run_registry(tmp_path_factory.mktemp("registry")) as registry:
        push(registry, "team/app", "1.4", AMD64)
        push(registry, "team/multi", "2.0", pushable(AMD64_SPEC, ARM64_SPEC))
        push(registry, "team/s390x", "1", S390X)
        push(registry, "team/docker", "1", make_index([DOCKER_ARM64], [ARM], docker=True))
        push(registry, "team/nested", "1", make_index([make_index([ARM64], [ARM])], [None]))
        yield registry


@pytest.fixture(scope="module")
def locked_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRegistry]:
    with run_registry(tmp_path_factory.mktemp("locked"), htpasswd=True) as registry:
        push(registry, "team/app", "1.4", AMD64)
        yield registry


@pytest.fixture(autouse=True)
def no_docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))


def test_anonymous_pull_by_tag(open_registry: RealRegistry) -> None:
    reference = f"{open_registry.host}/team/app:1.4"
    image = pull(reference, insecure=True, timeout=10)
    try:
        facts = image.facts
        assert facts.reference == reference
        assert facts.digest == AMD64.digest
        assert (facts.os, facts.architecture) == ("linux", "amd64")
        assert facts.created == "2024-05-01T10:00:00Z"
        assert facts.pushed is None  # the Distribution API does not tell
        assert facts.labels == (("org.opencontainers.image.version", "1.4"),)
        assert facts.base_name == "debian:12"
        assert [layer.size for layer in facts.layers] == [len(AMD64.blobs[1])]
        with image.open_blob(facts.layers[0]) as blob:
            data = gzip.decompress(blob.read())
            blob_path = blob.name
        assert b"ID=debian" in data
    finally:
        image.cleanup()
    assert not os.path.exists(blob_path)


def test_pulled_layers_walk_like_local_ones(open_registry: RealRegistry) -> None:
    image = pull(f"{open_registry.host}/team/app:1.4", insecure=True)
    try:
        found = [i for i in walk_image(image, lambda *_: True) if isinstance(i, ImageFile)]
    finally:
        image.cleanup()
    assert [(str(f.path), f.data) for f in found] == [
        ("etc/os-release", b"ID=debian\nVERSION_ID=12\n")
    ]


def test_pull_by_digest(open_registry: RealRegistry) -> None:
    image = pull(f"{open_registry.host}/team/app@{AMD64.digest}", insecure=True)
    image.cleanup()
    assert image.facts.digest == AMD64.digest
    both = pull(f"{open_registry.host}/team/app:ignored@{AMD64.digest}", insecure=True)
    both.cleanup()
    assert both.facts.config_digest == image.facts.config_digest


def test_multi_arch_index_picks_the_platform(open_registry: RealRegistry) -> None:
    reference = f"{open_registry.host}/team/multi:2.0"
    default = pull(reference, insecure=True)
    default.cleanup()
    assert default.facts.architecture == "amd64"
    assert default.facts.digest == AMD64.digest
    arm = pull(reference, insecure=True, platform="linux/arm64")
    arm.cleanup()
    assert (arm.facts.architecture, arm.facts.digest) == ("arm64", ARM64.digest)
    with pytest.raises(ImageError, match=r"linux/riscv64.*linux/amd64, linux/arm64/v8"):
        pull(reference, insecure=True, platform="linux/riscv64")


def test_docker_v2_list_and_nested_index(open_registry: RealRegistry) -> None:
    docker = pull(f"{open_registry.host}/team/docker:1", insecure=True, platform="linux/arm64")
    docker.cleanup()
    assert docker.facts.digest == DOCKER_ARM64.digest
    assert docker.facts.layers[0].media_type.startswith("application/vnd.docker.")
    nested = pull(f"{open_registry.host}/team/nested:1", insecure=True, platform="linux/arm64")
    nested.cleanup()
    assert nested.facts.digest == ARM64.digest


def test_single_platform_image_of_another_platform(open_registry: RealRegistry) -> None:
    reference = f"{open_registry.host}/team/s390x:1"
    image = pull(reference, insecure=True)  # nothing to choose from: taken as it is
    image.cleanup()
    assert image.facts.architecture == "s390x"
    with pytest.raises(ImageError, match="linux/s390x, not linux/amd64"):
        pull(reference, insecure=True, platform="linux/amd64")


def test_missing_tag_and_repository(open_registry: RealRegistry) -> None:
    with pytest.raises(RegistryError, match=r"manifest team/app:9\.9 not found"):
        pull(f"{open_registry.host}/team/app:9.9", insecure=True)
    with pytest.raises(RegistryError, match=r"manifest team/nothing:latest not found"):
        pull(f"{open_registry.host}/team/nothing", insecure=True)


def test_basic_auth_pull(locked_registry: RealRegistry) -> None:
    reference = f"{locked_registry.host}/team/app:1.4"
    image = pull(reference, insecure=True, username=USER, password=PASSWORD)
    try:
        with image.open_blob(image.facts.layers[0]) as blob:
            assert blob.read() == AMD64.blobs[1]
    finally:
        image.cleanup()
    assert image.facts.digest == AMD64.digest


def test_basic_auth_from_docker_config(
    locked_registry: RealRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {"auths": {locked_registry.host: {"username": USER, "password": PASSWORD}}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    image = pull(f"{locked_registry.host}/team/app:1.4", insecure=True)
    image.cleanup()
    assert image.facts.digest == AMD64.digest


def test_wrong_or_missing_credentials(locked_registry: RealRegistry) -> None:
    reference = f"{locked_registry.host}/team/app:1.4"
    wrong = "wrong-" + PASSWORD
    with pytest.raises(RegistryError) as caught:
        pull(reference, insecure=True, username=USER, password=wrong)
    assert str(caught.value) == f"authentication failed for {locked_registry.host}"
    assert wrong not in str(caught.value) and PASSWORD not in str(caught.value)
    with pytest.raises(RegistryError, match="requires credentials"):
        pull(reference, insecure=True)


def test_open_image_on_a_shared_client(open_registry: RealRegistry) -> None:
    with RegistryClient(open_registry.host, insecure=True) as client:
        client.ping()
        manifest = client.get_manifest("team/multi", "2.0")
        image = open_image(client, "team/multi", "2.0", manifest=manifest, platform="linux/arm64")
        with image.open_blob(image.facts.layers[0]) as blob:
            path = blob.name
        image.cleanup()  # removes the blobs, keeps the client
        assert not os.path.exists(path)
        again = open_image(client, "team/app", "1.4")
        assert again.facts.reference == f"{open_registry.host}/team/app:1.4"
    assert image.facts.digest == ARM64.digest


def test_the_real_registry_is_skipped_when_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(support, "REGISTRY_BIN", tmp_path / "docker-registry")
    with pytest.raises(pytest.skip.Exception, match="is absent"), run_registry(tmp_path):
        pass
