from __future__ import annotations

import pytest

from garrison.errors import InputError
from garrison.image.reference import (
    Reference,
    looks_like_reference,
    normalize_host,
    parse_reference,
)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("app", Reference("docker.io", "library/app", "latest", None)),
        ("app:1.2", Reference("docker.io", "library/app", "1.2", None)),
        ("team/app", Reference("docker.io", "team/app", "latest", None)),
        ("docker.io/app", Reference("docker.io", "library/app", "latest", None)),
        ("index.docker.io/team/app:v1", Reference("docker.io", "team/app", "v1", None)),
        ("localhost/app", Reference("localhost", "app", "latest", None)),
        ("localhost:5000/team/app:1.4", Reference("localhost:5000", "team/app", "1.4", None)),
        ("127.0.0.1:5000/a/b/c:x_y.z-1", Reference("127.0.0.1:5000", "a/b/c", "x_y.z-1", None)),
        (f"reg.example.com/app@{DIGEST}", Reference("reg.example.com", "app", None, DIGEST)),
        (f"ghcr.io/org/app:tag@{DIGEST}", Reference("ghcr.io", "org/app", "tag", DIGEST)),
        ("[::1]:5000/app:1", Reference("[::1]:5000", "app", "1", None)),
        ("my-reg.ex:443/a__b/c.d/e-f:T", Reference("my-reg.ex:443", "a__b/c.d/e-f", "T", None)),
    ],
)  # fmt: skip
def test_parse_reference(text: str, expected: Reference) -> None:
    assert parse_reference(text) == expected


def test_reference_text_and_api_host() -> None:
    ref = parse_reference(f"ghcr.io/org/app:tag@{DIGEST}")
    assert str(ref) == f"ghcr.io/org/app:tag@{DIGEST}"
    assert ref.ref == DIGEST  # the digest decides what is pulled
    assert ref.api_host == "ghcr.io"
    hub = parse_reference("app")
    assert str(hub) == "docker.io/library/app:latest"
    assert hub.ref == "latest"
    assert hub.api_host == "registry-1.docker.io"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " app",
        "App",  # upper case repository
        "team/App:1",
        "app:",
        "app:-bad",
        "app:" + "x" * 200,
        "app@sha256:123",
        "app@md5",
        "reg.example.com/",
        "team//app",
        "app_/x",
        "localhost:5000/",
    ],
)
def test_invalid_references(text: str) -> None:
    with pytest.raises(InputError, match="invalid image reference"):
        parse_reference(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("localhost:5000/team/app:1.4", True),
        ("app", True),
        ("alpine:3.19", True),
        (f"registry.example.com/app@{DIGEST}", True),
        ("./image", False),
        ("/tmp/image.tar", False),
        ("~/images/app", False),
        ("../x", False),
        ("image.tar", False),
        ("image.tar.gz", False),
        ("layout.oci", False),
        ("dir\\image", False),
        ("Not A Ref", False),
        ("Images/App", False),
    ],
)
def test_looks_like_reference(text: str, expected: bool) -> None:
    assert looks_like_reference(text) is expected


def test_normalize_host() -> None:
    assert normalize_host("https://index.docker.io/v1/") == "docker.io"
    assert normalize_host("registry-1.docker.io") == "docker.io"
    assert normalize_host("http://localhost:5000") == "localhost:5000"
    assert normalize_host("ghcr.io/") == "ghcr.io"
