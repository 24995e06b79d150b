"""Source-code and document recipes of the labelled secrets corpus (bench/secrets_corpus.py):
application code, READMEs, lockfiles, tests and web assets, as real repositories hold them."""

from __future__ import annotations

from secrets_corpus_files import Doc, Planter, Recipe
from secrets_corpus_values import (
    AWS_EXAMPLE_ID,
    AWS_EXAMPLE_SECRET,
    ENV_REFS,
    JWT_IO_EXAMPLE,
    R,
    commit_sha,
    data_uri,
    decoy,
    minified_ids,
)


def python(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    settings = Doc("import os", "from pathlib import Path", "", "BASE_DIR = Path(__file__).parent")
    if rng.random() < 0.6:
        settings.put(
            'SECRET_KEY = "@@"', planter.value("django-secret-key"), "django-secret-key", True
        )
    else:
        settings.put("SECRET_KEY = @@", 'os.environ["DJANGO_SECRET_KEY"]', "env-ref", False)
    settings.add(
        "DATABASES = {",
        '    "default": {',
        '        "ENGINE": "django.db.backends.postgresql",',
        f'        "NAME": "{service}",',
    )
    if rng.random() < 0.5:
        settings.put('        "PASSWORD": "@@",', planter.value("generic-secret"), "password", True)
    else:
        settings.put('        "PASSWORD": @@,', 'os.getenv("DB_PASSWORD", "")', "env-ref", False)
    settings.add("    }", "}")
    planter.env(settings, '{name} = "@@"')
    settings.put(
        "STRIPE_PUBLISHABLE_KEY = '@@'", decoy(rng, "publishable-key"), "publishable-key", False
    )
    return [("app/settings.py", settings)]


def python_clients(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    clients = Doc("import boto3", "import requests", "")
    if rng.random() < 0.4:
        clients.add("s3 = boto3.client(", '    "s3",')
        clients.put(
            '    aws_access_key_id="@@",',
            planter.value("aws-temporary-id"),
            "aws-access-key-id",
            True,
        )
        clients.put(
            '    aws_secret_access_key="@@",',
            planter.value("aws-secret-access-key"),
            "aws-secret-access-key",
            True,
        )
        clients.add(")")
    clients.add("", "def fetch(url: str) -> dict:", "    headers = {")
    if rng.random() < 0.5:
        clients.put(
            '        "Authorization": "Bearer @@",',
            planter.value("hex-token"),
            "bearer-token",
            True,
        )
    else:
        clients.put(
            '        "Authorization": f"Bearer {@@}",', "settings.API_TOKEN", "reference", False
        )
    clients.add("    }", "    return requests.get(url, headers=headers, timeout=10).json()")
    return [("app/clients.py", clients), ("app/auth.py", auth_module(rng))]


def auth_module(rng: R) -> Doc:
    """Ordinary code about passwords and tokens, with no credential in it."""
    return Doc(
        "import hashlib",
        "import hmac",
        "import secrets",
        "",
        "from .models import User",
        "",
        "TOKEN_BYTES = 32",
        'PASSWORD_FIELD = "password"',
        "",
        "def hash_password(password: str, salt: bytes) -> str:",
        '    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000).hex()',
        "",
        "def check_password(user: User, password: str) -> bool:",
        "    return hmac.compare_digest(user.password_hash, hash_password(password, user.salt))",
        "",
        "def new_token() -> str:",
        "    token = secrets.token_urlsafe(TOKEN_BYTES)",
        "    return token",
        "",
        "def rotate(user: User) -> None:",
        "    user.api_token = new_token()",
        "    user.reset_password_token = None",
        "    user.save(update_fields=['api_token'])",
        f"    # tokens expire after {rng.randint(1, 30)} days",
    )


def javascript(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    config = Doc(
        "module.exports = {", f"  service: '{service}',", "  port: process.env.PORT || 3000,"
    )
    config.put("  apiKey: @@,", "process.env.API_KEY", "env-ref", False)
    planter.env(config, "  {name}: '@@',")
    config.put(
        "  stripePublishableKey: '@@',", decoy(rng, "publishable-key"), "publishable-key", False
    )
    config.put("  buildId: '@@',", decoy(rng, "build-id"), "build-id", False)
    config.add("};")
    server = Doc(
        "const express = require('express');",
        "const jwt = require('jsonwebtoken');",
        "",
        "const app = express();",
        "app.post('/login', async (req, res) => {",
        "  const { username, password } = req.body;",
        "  const user = await users.verify(username, password);",
        "  const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '1h' });",
        "  res.json({ token });",
        "});",
    )
    if rng.random() < 0.4:
        kind = rng.choice(["stripe-secret-key", "stripe-secret-key-short", "sendgrid-api-key"])
        server.put("const client = require('payments')('@@');", planter.value(kind), kind, True)
    return [("src/config.js", config), ("src/server.js", server)]


def golang(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    doc = Doc("package main", "", "import (", '\t"net/http"', '\t"os"', ")", "")
    if rng.random() < 0.5:
        kind = planter.kind()
        doc.put('const apiToken = "@@"', planter.value(kind), kind, True)
    else:
        doc.put("var apiToken = @@", 'os.Getenv("API_TOKEN")', "env-ref", False)
    doc.add(
        "",
        "func authorize(r *http.Request) {",
        '\tr.Header.Set("Authorization", "Bearer "+apiToken)',
        "}",
        "",
        "func main() {",
        '\tpassword := os.Getenv("DB_PASSWORD")',
        "\t_ = password",
        "}",
    )
    mod = Doc(f"module github.com/acme/{service}", "", "go 1.22")
    gosum = Doc()
    for name in ("github.com/golang-jwt/jwt/v5 v5.2.1", "golang.org/x/crypto v0.24.0"):
        gosum.put(f"{name} h1:@@", decoy(rng, "integrity")[7:51] + "=", "go-sum", False)
    return [("cmd/server/main.go", doc), ("go.mod", mod), ("go.sum", gosum)]


def java(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    props = Doc(
        f"spring.application.name={service}",
        "spring.datasource.url=jdbc:postgresql://db:5432/app",
        "spring.datasource.username=app",
    )
    if rng.random() < 0.5:
        props.put(
            "spring.datasource.password=@@", planter.value("generic-secret"), "password", True
        )
    else:
        props.put("spring.datasource.password=@@", "${DB_PASSWORD}", "template", False)
    props.add("management.endpoints.web.exposure.include=health")
    cls = Doc("package com.acme;", "", "public final class ApiClient {")
    if rng.random() < 0.5:
        kind = planter.kind()
        cls.put('    private static final String TOKEN = "@@";', planter.value(kind), kind, True)
    cls.put(
        '    private static final String PASSWORD_PROPERTY = "@@";',
        "app.password",
        "property-name",
        False,
    )
    cls.add("}")
    return [
        ("src/main/resources/application.properties", props),
        ("src/main/java/com/acme/ApiClient.java", cls),
    ]


def docs(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    readme = Doc(f"# {service}", "", "## Configuration", "", "```sh")
    readme.put("export AWS_ACCESS_KEY_ID=@@", AWS_EXAMPLE_ID, "aws-example", False)
    readme.put("export AWS_SECRET_ACCESS_KEY=@@", AWS_EXAMPLE_SECRET, "aws-example", False)
    readme.put("export GITHUB_TOKEN=@@", decoy(rng, "placeholder-token"), "placeholder", False)
    readme.add("```", "", "Call the API with a token:", "", "```sh")
    readme.put(
        'curl -H "Authorization: Bearer @@" https://api.acme.dev/v1/orders',
        "<token>",
        "placeholder",
        False,
    )
    readme.add("```", "", "A token looks like this (decoded at jwt.io):", "")
    readme.put("    @@", JWT_IO_EXAMPLE, "jwt-io-example", False)
    changelog = Doc("# Changelog", "")
    for version in range(3, 0, -1):
        changelog.put(f"## 1.{version}.0 (@@)", commit_sha(rng)[:12], "short-sha", False)
        changelog.add(
            "- Rotate the signing keys on deploy", "- Password reset tokens expire after 1 hour", ""
        )
    return [("README.md", readme), ("CHANGELOG.md", changelog)]


def lockfiles(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    lock = Doc("{", f'  "name": "{service}-web",', '  "lockfileVersion": 3,', '  "packages": {')
    for name in ("js-tokens", "jsonwebtoken", "passport-local", "bcryptjs"):
        lock.add(
            f'    "node_modules/{name}": {{',
            '      "version": "4.0.0",',
            f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-4.0.0.tgz",',
        )
        lock.put('      "integrity": "@@"', decoy(rng, "integrity"), "integrity", False)
        lock.add("    },")
    lock.add('    "": {}', "  }", "}")
    reqs = Doc()
    for name in ("pyjwt==2.8.0", "cryptography==42.0.5", "keyring==25.2.1"):
        reqs.add(f"{name} \\").put("    --hash=sha256:@@", decoy(rng, "sha256"), "hash", False)
    return [("web/package-lock.json", lock), ("requirements.txt", reqs)]


def tests(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    doc = Doc(
        "import pytest",
        "",
        "from app.clients import GitHub",
        "",
        "@pytest.fixture",
        "def client():",
    )
    doc.put(
        '    return GitHub(token="@@")',
        decoy(rng, "bad-checksum-github"),
        "bad-checksum-github",
        False,
    )
    doc.add("", "def test_login(client):")
    doc.put(
        '    response = client.login("alice", password="@@")',
        decoy(rng, "test-password"),
        "test-password",
        False,
    )
    doc.put('    assert response.request_id == "@@"', decoy(rng, "uuid"), "uuid", False)
    if rng.random() < 0.35:
        kind = rng.choice(["github-pat-classic", "slack-bot-token", "stripe-test-key", "jwt"])
        doc.put(
            '    leaked = "@@"  # a real token pasted while debugging',
            planter.value(kind),
            kind,
            True,
        )
    users = Doc("[")
    for name in ("alice", "bob"):
        users.add("  {", f'    "username": "{name}",')
        users.put('    "password_hash": "@@",', decoy(rng, "bcrypt"), "bcrypt", False)
        users.put('    "api_key_sha256": "@@"', decoy(rng, "sha256"), "hash", False)
        users.add("  },")
    users.add("  {}", "]")
    return [("tests/test_client.py", doc), ("tests/fixtures/users.json", users)]


def web(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    html = Doc("<!doctype html>", "<html>", "<head>")
    html.put('  <meta name="csrf-token" content="@@">', decoy(rng, "build-id"), "csrf-token", False)
    html.put(
        '  <script src="/static/app.js" integrity="sha384-@@" crossorigin="anonymous"></script>',
        decoy(rng, "integrity")[7:71],
        "sri-hash",
        False,
    )
    html.add("</head>", "<body>")
    html.put('  <img alt="logo" src="@@">', data_uri(rng), "data-uri", False)
    html.add(
        '  <input type="password" name="password" autocomplete="current-password">',
        "</body>",
        "</html>",
    )
    bundle = Doc().put("@@", minified_ids(rng), "minified-ids", False)
    return [("public/index.html", html), ("public/static/app.min.js", bundle)]


def filler(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    """Ordinary source files that talk about credentials without holding any."""
    ref = rng.choice(ENV_REFS).replace("{name}", "SERVICE_TOKEN")
    models = Doc(
        "from dataclasses import dataclass",
        "",
        "@dataclass",
        "class Credentials:",
        "    username: str",
        "    password: str",
        "    token: str | None = None",
        "",
        "def load() -> Credentials:",
        f"    token = {ref}",
        '    return Credentials(username="svc", password=read_secret("db"), token=token)',
    )
    ts = Doc(
        "export interface Session {",
        "  accessToken: string;",
        "  refreshToken?: string;",
        "}",
        "",
        "export function bearer(session: Session): string {",
        "  return `Bearer ${session.accessToken}`;",
        "}",
    )
    return [("app/models.py", models), ("src/session.ts", ts), *look_alikes(rng)]


def look_alikes(rng: R) -> list[tuple[str, Doc]]:
    """Values near secret words that are not secrets: messages, rules, ids, test vectors."""
    locale = Doc("en:", "  login:")
    locale.put("    password: @@", "Password", "label", False)
    locale.put("    password_hint: @@", '"At least 12 characters, one digit"', "label", False)
    locale.put(
        "    token_expired: @@", '"Your session token expired, sign in again"', "label", False
    )
    rules = Doc("import re", "")
    rules.put("PASSWORD_PATTERN = re.compile(r'@@')", r"^(?=.*[A-Z])(?=.*\d)(?=.*[^\w]).{12,}$",
              "regex", False)  # fmt: skip
    rules.put('TOKEN_ALPHABET = "@@"', "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", "alphabet", False)
    rules.put('PASSWORD_RESET_ID = "@@"', decoy(rng, "uuid"), "uuid", False)
    rules.put('session_token_object_id = "@@"', decoy(rng, "md5")[:24], "object-id", False)
    rules.put(
        'aes_key_test_vector = "@@"', "000102030405060708090a0b0c0d0e0f", "test-vector", False
    )
    rules.put('etag_token = "@@"', decoy(rng, "md5"), "etag", False)
    return [("config/locales/en.yml", locale), ("app/validators.py", rules)]


CODE_RECIPES: tuple[Recipe, ...] = (
    python,
    python_clients,
    javascript,
    golang,
    java,
    docs,
    lockfiles,
    tests,
    web,
    filler,
)
