"""RegistryClient against a scripted registry on 127.0.0.1: Bearer tokens, errors, hangs."""

from __future__ import annotations

import base64
import json

import pytest

from garrison.errors import RegistryError
from garrison.image.oci import OCI_MANIFEST
from garrison.image.registry import RegistryClient
from tests.support.registry import Answer, FakeState, digest_of, fake_registry, simple

PASSWORD = "hunter2-Very-Secret"
IMAGE = simple("ID=alpine\n")


def _client(host: str, **kwargs: object) -> RegistryClient:
    options: dict[str, object] = {"insecure": True, "timeout": 5.0, "retries": 2}
    options.update(kwargs)
    return RegistryClient(host, **options)  # type: ignore[arg-type]


def test_bearer_challenge_flow_with_token_reuse() -> None:
    state = FakeState(bearer=True, users={"me": PASSWORD})
    state.add("team/app", "1.0", IMAGE)
    with fake_registry(state) as (host, seen), _client(host, username="me", password=PASSWORD) as c:
        manifest = c.get_manifest("team/app", "1.0")
        config = c.read_blob("team/app", json.loads(manifest.data)["config"]["digest"])
        assert json.loads(config)["os"] == "linux"
        c.get_manifest("team/app", manifest.digest)
    assert manifest.digest == IMAGE.digest
    assert manifest.media_type == OCI_MANIFEST
    tokens = seen.paths("/token")
    assert tokens == ["/token?service=fake&scope=repository%3Ateam%2Fapp%3Apull"]  # once
    basic = "Basic " + base64.b64encode(f"me:{PASSWORD}".encode()).decode()
    token_request = next(s for s in seen.seen if s.path.startswith("/token"))
    assert token_request.headers["Authorization"] == basic
    registry_calls = [s for s in seen.seen if s.path.startswith("/v2/")]
    assert [s.headers.get("Authorization") for s in registry_calls] == [
        None,  # the anonymous try that drew the 401 challenge
        "Bearer tok/repository:team/app:pull",
        "Bearer tok/repository:team/app:pull",
        "Bearer tok/repository:team/app:pull",
    ]


def test_anonymous_bearer_and_access_token_field() -> None:
    state = FakeState(bearer=True, token_field="access_token")
    state.add("lib/x", "latest", IMAGE)
    state.add("lib/y", "latest", IMAGE)
    with fake_registry(state) as (host, seen), _client(host) as client:
        client.get_manifest("lib/x", "latest")
        client.get_manifest("lib/y", "latest")
    assert len(seen.paths("/token")) == 2  # one per scope
    assert all("Authorization" not in s.headers for s in seen.seen if s.path.startswith("/token"))


def test_wrong_password_at_token_service_fails_without_the_password() -> None:
    state = FakeState(bearer=True, users={"me": "right"})
    state.add("team/app", "1.0", IMAGE)
    with (
        fake_registry(state) as (host, _),
        _client(host, username="me", password=PASSWORD) as client,
        pytest.raises(RegistryError, match="authentication failed for 127") as caught,
    ):
        client.get_manifest("team/app", "1.0")
    assert str(caught.value) == f"authentication failed for {host}"
    assert PASSWORD not in str(caught.value)


def test_not_found_names_the_manifest_and_the_blob() -> None:
    with fake_registry() as (host, _), _client(host) as client:
        with pytest.raises(RegistryError, match=r"manifest team/app:9\.9 not found"):
            client.get_manifest("team/app", "9.9")
        missing = digest_of(b"nothing")
        with pytest.raises(RegistryError, match=f"blob team/app@{missing} not found"):
            client.open_blob("team/app", missing)


def test_429_then_200_honours_retry_after() -> None:
    state = FakeState()
    state.add("team/app", "1.0", IMAGE)
    path = "/v2/team/app/manifests/1.0"
    state.script[path] = [Answer(429, {"Retry-After": "1"}), Answer(503)]
    with fake_registry(state) as (host, seen), _client(host, retries=3) as client:
        assert client.get_manifest("team/app", "1.0").digest == IMAGE.digest
    assert seen.paths(path) == [path] * 3


def test_persistent_500_becomes_a_registry_error() -> None:
    path = "/v2/team/app/manifests/1.0"
    state = FakeState(script={path: [Answer(500)] * 5})
    with (
        fake_registry(state) as (host, seen),
        _client(host, retries=1) as client,
        pytest.raises(RegistryError, match="HTTP 500"),
    ):
        client.get_manifest("team/app", "1.0")
    assert len(seen.paths(path)) == 2


def test_a_hanging_registry_times_out() -> None:
    state = FakeState(hang={"/v2/team/app/manifests/1.0"})
    with (
        fake_registry(state) as (host, _),
        _client(host, timeout=1.0) as client,
        pytest.raises(RegistryError, match=r"no answer within 1 s"),
    ):
        client.get_manifest("team/app", "1.0")


def test_digest_mismatches_are_refused() -> None:
    state = FakeState()
    state.add("team/app", "1.0", IMAGE)
    other = digest_of(b"other")
    lying = {"Content-Type": OCI_MANIFEST, "Docker-Content-Digest": other}
    state.script["/v2/team/app/manifests/1.0"] = [Answer(200, lying, IMAGE.manifest)]
    plain = {"Content-Type": OCI_MANIFEST}
    state.script[f"/v2/team/app/manifests/{other}"] = [Answer(200, plain, IMAGE.manifest)]
    layer = IMAGE.blobs[1]
    state.script[f"/v2/team/app/blobs/{digest_of(layer)}"] = [Answer(200, {}, layer[:-1] + b"!")]
    with fake_registry(state) as (host, _), _client(host) as client:
        with pytest.raises(RegistryError, match="does not match digest"):
            client.get_manifest("team/app", "1.0")
        with pytest.raises(RegistryError, match="does not match digest"):
            client.get_manifest("team/app", other)  # served by digest, content differs
        with pytest.raises(RegistryError, match="does not match its digest"):
            client.open_blob("team/app", digest_of(layer))


def test_blob_download_is_cached_verified_and_capped() -> None:
    state = FakeState()
    state.add("team/app", "1.0", IMAGE)
    layer = IMAGE.blobs[1]
    digest = digest_of(layer)
    with fake_registry(state) as (host, seen), _client(host) as client:
        with client.open_blob("team/app", digest, len(layer)) as blob:
            assert blob.read() == layer
        with client.open_blob("team/app", digest) as blob:
            assert blob.read() == layer
        assert len(seen.paths(f"/v2/team/app/blobs/{digest}")) == 1
        small = _client(host, max_blob_size=len(layer) - 1)
        with small, pytest.raises(RegistryError, match=r"larger than \d+ bytes"):
            small.open_blob("team/app", digest)
        with small, pytest.raises(RegistryError, match="over the size limit"):
            small.open_blob("team/app", digest, len(layer))


def test_close_removes_downloaded_blobs() -> None:
    state = FakeState()
    state.add("team/app", "1.0", IMAGE)
    with fake_registry(state) as (host, _):
        client = _client(host)
        with client.open_blob("team/app", digest_of(IMAGE.blobs[1])) as blob:
            path = blob.name
        client.close()
    import os

    assert not os.path.exists(path)


def test_unreachable_registry_and_https_to_plain_http() -> None:
    with fake_registry() as (host, _):
        secure = RegistryClient(host, insecure=False, timeout=5.0, retries=0)
        with secure, pytest.raises(RegistryError, match="--insecure"):
            secure.get_manifest("team/app", "1.0")
    gone = RegistryClient(host, insecure=True, timeout=5.0, retries=0)
    with gone, pytest.raises(RegistryError, match=f"cannot reach {host}"):
        gone.ping()


def test_ping() -> None:
    with fake_registry() as (host, _), _client(host) as client:
        client.ping()
    state = FakeState(script={"/v2/": [Answer(404)]})
    with (
        fake_registry(state) as (host, _),
        _client(host) as client,
        pytest.raises(RegistryError, match="does not serve the registry API"),
    ):
        client.ping()


def test_anonymous_bearer_refused_asks_for_credentials() -> None:
    state = FakeState(bearer=True)
    path = "/v2/team/app/manifests/1.0"
    with fake_registry(state) as (host, _), _client(host) as client:
        challenge = {"WWW-Authenticate": f'Bearer realm="{state.base}/token",service="fake"'}
        state.script[path] = [Answer(401, challenge), Answer(401, challenge)]
        with pytest.raises(RegistryError, match=r"manifest team/app:1\.0 needs credentials"):
            client.get_manifest("team/app", "1.0")


@pytest.mark.parametrize(
    "trouble",
    ["missing", "error", "hang", "token", "lying-digest"],
)
def test_no_error_ever_shows_the_password(trouble: str) -> None:
    state = FakeState(bearer=trouble == "token", users={"me": "other"})
    state.add("team/app", "1.0", IMAGE)
    path = "/v2/team/app/manifests/1.0"
    if trouble == "missing":
        state.manifests.clear()
    elif trouble == "error":
        state.script[path] = [Answer(500)] * 3
    elif trouble == "hang":
        state.hang.add(path)
    elif trouble == "lying-digest":
        lying = {"Docker-Content-Digest": digest_of(PASSWORD.encode())}
        state.script[path] = [Answer(200, lying, IMAGE.manifest)]
    with (
        fake_registry(state) as (host, _),
        _client(host, username="me", password=PASSWORD, timeout=1.0, retries=1) as client,
        pytest.raises(RegistryError) as caught,
    ):
        client.get_manifest("team/app", "1.0")
    encoded = base64.b64encode(f"me:{PASSWORD}".encode()).decode()
    assert PASSWORD not in str(caught.value) and encoded not in str(caught.value)
    assert caught.value.__context__ is None or caught.value.__suppress_context__
