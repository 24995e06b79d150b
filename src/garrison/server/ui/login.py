"""Signing in to the UI from a browser: a form at /ui/login takes a token and sets it in a
cookie; /ui/logout removes it. Both paths are open (the app's PUBLIC_PATHS list them).

The cookie (`garrison_token`) is HttpOnly, SameSite=Strict, limited to /ui, Secure when the
server is reached (or published, `public_url`) over https, and expires after 12 hours. The
token is checked before the cookie is set and is never written into a page. Login CSRF is
stopped three ways: a double-submit token (a random value in a SameSite=Strict cookie that the
form must repeat), the Origin header when the browser sends one, and Sec-Fetch-Site.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from garrison.server.api.deps import ServerContext, ServerDep
from garrison.server.auth import MAX_TOKEN_LENGTH, TOKEN_COOKIE, authenticate
from garrison.server.ui import render

router = APIRouter(prefix="/ui", include_in_schema=False)
PUBLIC_PATHS = ("/ui/login", "/ui/logout")
CSRF_COOKIE = "garrison_csrf"
COOKIE_PATH = "/ui"
SESSION_SECONDS = 12 * 3600
MAX_FORM_BYTES = 4096
CROSS_SITE = "this form was sent from another site; open the sign-in page and try again"


def _secure(request: Request, server: ServerContext) -> bool:
    public = server.settings.public_url or ""
    return request.url.scheme == "https" or public.startswith("https://")


def _csrf_of(request: Request) -> str:
    """The browser's double-submit value (reused while valid, so two tabs both work)."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if 20 <= len(current) <= 100 and current.replace("-", "").replace("_", "").isalnum():
        return current
    return secrets.token_urlsafe(32)


def _form(request: Request, server: ServerContext, status: int, message: str | None) -> Response:
    csrf = _csrf_of(request)
    context = {"title": "Sign in", "active": "", "csrf": csrf, "message": message}
    response = render.page(request, "login.html.j2", context, principal=None, status=status)
    response.set_cookie(
        CSRF_COOKIE, csrf, path="/ui/login", httponly=True, samesite="strict",
        secure=_secure(request, server),
    )  # fmt: skip
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, server: ServerDep) -> Response:
    return _form(request, server, 200, None)


def _same_site(request: Request, server: ServerContext) -> bool:
    """False when the browser says the request comes from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    allowed = {f"{request.url.scheme}://{request.url.netloc}"}
    if server.settings.public_url:
        public = urlsplit(server.settings.public_url)
        allowed.add(f"{public.scheme}://{public.netloc}")
    return origin in allowed


async def _fields(request: Request) -> dict[str, str]:
    """The urlencoded form's text fields (nothing else: files and big forms are ignored)."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_FORM_BYTES:
        return {}
    form = await request.form(max_files=0, max_fields=10)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _valid(server: ServerContext, secret: str) -> bool:
    if not secret or len(secret) > MAX_TOKEN_LENGTH:
        return False
    with server.database.session_scope(write=False) as session:
        return authenticate(session, secret) is not None


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, server: ServerDep) -> Response:
    """Check the token; set the cookie and go to the overview, or show the form again."""
    fields = await _fields(request)
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = fields.get("csrf", "")
    if (
        not _same_site(request, server)
        or not expected
        or not hmac.compare_digest(expected.encode(), sent.encode())
    ):
        return _form(request, server, 403, CROSS_SITE)
    secret = fields.get("token", "").strip()
    if not await run_in_threadpool(_valid, server, secret):
        return _form(request, server, 401, "that token is not valid (unknown or revoked)")
    response = RedirectResponse("/ui/", status_code=303)
    response.set_cookie(
        TOKEN_COOKIE, secret, max_age=SESSION_SECONDS, path=COOKIE_PATH, httponly=True,
        samesite="strict", secure=_secure(request, server),
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, server: ServerDep) -> Response:
    """Remove the cookie and go to the sign-in form (refused from another site)."""
    if not _same_site(request, server):
        return _form(request, server, 403, CROSS_SITE)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(
        TOKEN_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
        secure=_secure(request, server),
    )  # fmt: skip
    return response
