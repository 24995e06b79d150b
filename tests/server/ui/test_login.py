"""Signing in to the web UI (TestClient, SQLite and PostgreSQL): the cookie's flags, the
double-submit CSRF token and the Origin check, the token never written into a page, the cookie
honoured on /ui pages only, signing out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from garrison.server.config import ServerSettings
from garrison.server.db.session import Database
from tests.server.ui.helpers import PAGES, text_of, ui_app


def _sign_in(client: TestClient, secret: str, **headers: str) -> Any:
    form = client.get("/ui/login")
    assert form.status_code == 200, form.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    return client.post("/ui/login", data={"token": secret, "csrf": csrf.group(1)},
                       headers=headers, follow_redirects=False)  # fmt: skip


def test_sign_in_sets_a_strict_http_only_cookie_and_never_shows_the_token(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    secret = make_token("viewer", "alpha", name="browser")
    response = _sign_in(client, secret)
    assert response.status_code == 303 and response.headers["location"] == "/ui/"
    cookie = response.headers["set-cookie"]
    assert cookie == (
        f"garrison_token={secret}; HttpOnly; Max-Age=43200; Path=/ui; SameSite=strict"
    )
    seen = [client.get(path) for path in (*PAGES, "/ui/artifacts/1", "/ui/login")]
    assert [r.status_code for r in seen] == [200, 200, 200, 200, 200, 403, 200, 200]
    assert all(secret not in r.text for r in seen)
    assert 'id="who">browser · viewer · team alpha<' in seen[0].text


def test_the_cookie_is_secure_when_the_server_is_published_over_https(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    published = settings.model_copy(update={"public_url": "https://garrison.example"})
    secret = make_token("viewer", "alpha")
    with TestClient(ui_app(published, database)) as client:
        form = client.get("/ui/login")
        assert form.headers["set-cookie"].endswith("; Path=/ui/login; SameSite=strict; Secure")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf
        response = client.post(
            "/ui/login", data={"token": secret, "csrf": csrf.group(1)},
            headers={"cookie": f"garrison_csrf={csrf.group(1)}"}, follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303
        assert response.headers["set-cookie"] == (
            f"garrison_token={secret}; HttpOnly; Max-Age=43200; Path=/ui; SameSite=strict; Secure"
        )


def test_a_bad_token_is_refused_without_echoing_it(client: TestClient) -> None:
    bogus = "gar_" + "Z" * 43
    response = _sign_in(client, bogus)
    assert response.status_code == 401
    assert text_of(response.text, "error") == "that token is not valid (unknown or revoked)"
    assert bogus not in response.text and "garrison_token" not in response.headers.get(
        "set-cookie", ""
    )


def test_sign_in_needs_the_form_token_and_the_same_origin(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    secret = make_token("viewer", "alpha")
    forged = client.post("/ui/login", data={"token": secret, "csrf": "x" * 43},
                         follow_redirects=False)  # fmt: skip
    assert forged.status_code == 403
    assert "garrison_token" not in forged.headers.get("set-cookie", "")
    cross = _sign_in(client, secret, origin="https://evil.example")
    assert cross.status_code == 403
    assert text_of(cross.text, "error").startswith("this form was sent from another site")
    fetched = _sign_in(client, secret, **{"sec-fetch-site": "cross-site"})
    assert fetched.status_code == 403
    assert _sign_in(client, secret, origin="http://testserver").status_code == 303


def test_the_cookie_is_honoured_for_ui_pages(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    secret = make_token("admin", name="cookie-admin")
    client.cookies.set("garrison_token", secret)
    assert client.get("/ui/artifacts").status_code == 200
    assert client.post("/ui/login", data={"token": secret}).status_code == 403  # no CSRF token


def test_the_cookie_is_not_honoured_by_the_api(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    """The brief: the cookie is for GET of UI pages only (the middleware's path check)."""
    client.cookies.set("garrison_token", make_token("admin", name="cookie-admin"))
    assert client.get("/api/v1/artifacts").status_code == 401


def test_sign_out_removes_the_cookie(client: TestClient, make_token: Callable[..., str]) -> None:
    assert _sign_in(client, make_token("viewer", "alpha")).status_code == 303
    response = client.post("/ui/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/login"
    removed = response.headers["set-cookie"]
    assert removed.startswith('garrison_token=""; expires=')
    assert removed.endswith("; HttpOnly; Max-Age=0; Path=/ui; SameSite=strict")
    assert client.get("/ui/").status_code == 401
    cross = client.post("/ui/logout", headers={"origin": "https://evil.example"})
    assert cross.status_code == 403


def test_the_ui_paths_are_open_in_the_middleware() -> None:
    """The lead's wiring: the sign-in paths are reachable without a token."""
    from garrison.server.auth import PUBLIC_PATHS
    from garrison.server.ui import PUBLIC_PATHS as UI_PATHS

    assert set(UI_PATHS) == {"/ui/login", "/ui/logout"}
    assert set(UI_PATHS) <= PUBLIC_PATHS
