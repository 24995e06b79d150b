"""Every detector: one positive (a real-format secret in a typical file, found at the exact
line and column) and one near miss (the same shape just outside the format or context)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from garrison.secrets.detect import find_secrets
from garrison.secrets.detectors import DETECTORS
from tests.secrets.cases import Case, case

IDS = [detector.id for detector in DETECTORS]

Miss = Callable[[Case], tuple[str, str]]


def swap(new: Callable[[str], str]) -> Miss:
    """The positive file with its secret changed by `new`."""
    return lambda c: (c.path, c.text.replace(c.secret, new(c.secret)))


def alone(path: str, template: str) -> Miss:
    """The secret in another file, without the context its detector needs."""
    return lambda c: (path, template.replace("{secret}", c.secret))


def flip_last(secret: str) -> str:
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def short(size: int) -> Miss:
    return swap(lambda secret: secret[:size])


def renamed(old: str, new: str) -> Miss:
    return swap(lambda secret: secret.replace(old, new, 1))


def fake_body(c: Case) -> tuple[str, str]:
    """The key's frame kept, its body replaced by a placeholder."""
    lines = c.secret.split("\n")
    return c.path, c.text.replace(c.secret, "\n".join([lines[0], "...", lines[-1]]))


def fake_putty(c: Case) -> tuple[str, str]:
    head, _, _ = c.secret.partition("Private-Lines: 1\n")
    return c.path, c.text.replace(c.secret, head + "Private-Lines: 1\nAAAA\nPrivate-MAC: 00")


NEAR_MISSES: dict[str, Miss] = {
    "aws-access-key-id": swap(lambda s: s[:4] + s[4:].lower()),
    "aws-secret-access-key": alone("settings.py", 'SECRET_KEY = "{secret}"\n'),
    "aws-session-token": renamed("IQoJ", "IQoK"),
    "gcp-api-key": short(-1),
    "gcp-service-account": lambda c: (c.path, c.text.replace(c.secret[40:-40], "...")),
    "gcp-oauth-client-secret": short(-1),
    "azure-storage-account-key": swap(lambda s: s[:60] + "=="),
    "azure-shared-access-key": swap(lambda s: s[:30] + "="),
    "azure-sas-token": lambda c: (c.path, c.text.replace("sv=2022-11-02&", "")),
    "azure-ad-client-secret": alone("cache.txt", "value {secret}\n"),
    "github-pat-classic": swap(flip_last),
    "github-oauth-token": swap(flip_last),
    "github-app-user-token": swap(flip_last),
    "github-app-installation-token": swap(flip_last),
    "github-refresh-token": swap(flip_last),
    "github-pat-fine-grained": renamed("github_pat_", "github_pet_"),
    "gitlab-pat": short(6 + 19),
    "gitlab-deploy-token": short(5 + 19),
    "gitlab-runner-token": short(5 + 19),
    "gitlab-runner-registration-token": short(-1),
    "gitlab-trigger-token": short(-1),
    "gitlab-feed-token": short(5 + 19),
    "gitlab-oauth-app-secret": short(-1),
    "gitlab-job-token": short(6 + 19),
    "gitlab-scim-token": short(7 + 19),
    "bitbucket-app-password": short(24),
    "slack-bot-token": renamed("xoxb-", "xoxz-"),
    "slack-user-token": short(-1),
    "slack-app-token": short(-1),
    "slack-other-token": renamed("xoxe-", "xoxq-"),
    "slack-webhook-url": short(10),
    "discord-bot-token": alone("bot/config.py", 'BOT = "{secret}"\n'),
    "discord-webhook-url": short(40),
    "telegram-bot-token": renamed(":AA", ":BB"),
    "teams-webhook-url": short(-1),
    "stripe-secret-key": renamed("sk_live_", "pk_live_"),
    "stripe-restricted-key": renamed("rk_live_", "rk_lime_"),
    "stripe-test-key": renamed("sk_test_", "pk_test_"),
    "stripe-webhook-secret": short(26),
    "square-access-token": short(-10),
    "square-oauth-secret": short(-1),
    "braintree-access-token": renamed("$production$", "$staging$"),
    "twilio-api-key": alone("sms.py", "client = Client('{secret}')\n"),
    "twilio-auth-token": alone("sms.py", "auth_token = '{secret}'\n"),
    "sendgrid-api-key": short(-1),
    "mailgun-api-key": short(-1),
    "mailchimp-api-key": renamed("-us", "-eu"),
    "npm-access-token": swap(flip_last),
    "npmrc-auth-token": swap(lambda s: "${NPM_TOKEN}"),
    "pypi-upload-token": renamed("vcmc", "vcmX"),
    "docker-config-auth": swap(lambda s: base64.b64encode(b"deploy-only-user").decode()),
    "rubygems-api-key": short(-1),
    "nuget-api-key": short(-1),
    "dockerhub-pat": short(-1),
    "jfrog-reference-token": short(30),
    "heroku-api-key": short(-1),
    "heroku-api-key-legacy": alone("settings.env", "API_KEY={secret}\n"),
    "datadog-api-key": alone("service.env", "API_KEY={secret}\n"),
    "datadog-app-key": alone("service.env", "APP_KEY={secret}\n"),
    "shopify-access-token": short(-1),
    "shopify-custom-app-token": short(-1),
    "shopify-private-app-token": short(-1),
    "shopify-shared-secret": short(-1),
    "newrelic-user-api-key": short(-1),
    "newrelic-insert-key": short(-1),
    "newrelic-license-key": renamed("NRAL", "NRAX"),
    "sentry-auth-token": short(-1),
    "openai-api-key": renamed("sk-proj-", "sk-prox-"),
    "anthropic-api-key": renamed("sk-ant-", "sk-anx-"),
    "terraform-cloud-token": renamed(".atlasv1.", ".atlasv2."),
    "vault-token": short(14),
    "doppler-token": renamed("dp.pt.", "dp.xx."),
    "linear-api-key": short(-1),
    "atlassian-api-token": short(100),
    "digitalocean-token": short(-1),
    "postman-api-key": short(-1),
    "grafana-cloud-token": short(14),
    "grafana-service-account-token": short(-1),
    "pulumi-access-token": short(-1),
    "databricks-token": short(-1),
    "huggingface-token": short(-1),
    "mapbox-secret-token": renamed("sk.eyJ", "pk.eyJ"),
    "planetscale-token": short(20),
    "supabase-access-token": short(-1),
    "rsa-private-key": fake_body,
    "ec-private-key": fake_body,
    "dsa-private-key": fake_body,
    "pkcs8-private-key": fake_body,
    "encrypted-private-key": fake_body,
    "openssh-private-key": fake_body,
    "pgp-private-key": fake_body,
    "putty-private-key": fake_putty,
    "age-secret-key": short(-1),
    "jwt": swap(lambda s: "eyJmb28iOiJiYXIifQ" + s[s.index(".") :]),
    "jwt-unsigned": swap(lambda s: "eyJhbGciOiJIUzI1NiJ9" + s[s.index(".") :]),
    "database-url-password": swap(lambda s: "${DB_PASSWORD}"),
    "basic-auth-url": swap(lambda s: "password"),
    "generic-secret": swap(lambda s: "changeme123"),
}


@pytest.mark.parametrize("detector_id", IDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_each_detector_finds_its_secret_at_the_exact_place(detector_id: str, seed: int) -> None:
    sample = case(detector_id, seed)
    hits = find_secrets(sample.text, sample.path)
    assert [(h.detector.id, h.line, h.column, h.secret) for h in hits] == [
        (detector_id, sample.line, sample.column, sample.secret)
    ]


@pytest.mark.parametrize("detector_id", IDS)
def test_each_detector_ignores_its_near_miss(detector_id: str) -> None:
    sample = case(detector_id)
    path, text = NEAR_MISSES[detector_id](sample)
    assert text != sample.text
    assert detector_id not in {hit.detector.id for hit in find_secrets(text, path)}


def test_every_detector_has_a_near_miss() -> None:
    assert set(NEAR_MISSES) == set(IDS)


def test_aws_secret_is_found_beside_an_access_key_id_under_a_plain_name() -> None:
    sample = case("aws-secret-access-key")
    key_id = case("aws-access-key-id").secret
    text = f'provider "aws" {{\n  access_key = "{key_id}"\n  secret_key = "{sample.secret}"\n}}\n'
    hits = find_secrets(text, "main.tf")
    assert [(h.detector.id, h.line, h.column) for h in hits] == [
        ("aws-access-key-id", 2, 17),
        ("aws-secret-access-key", 3, 17),
    ]


def test_generic_finds_a_kubernetes_env_pair() -> None:
    secret = case("generic-secret").secret
    text = f'env:\n  - name: DB_PASSWORD\n    value: "{secret}"\n'
    hits = find_secrets(text, "deploy.yaml")
    assert [(h.detector.id, h.line, h.column) for h in hits] == [("generic-secret", 3, 13)]


@pytest.mark.parametrize(
    ("path", "template", "column"),
    [
        ("app.py", 'db_password = "{secret}"', 16),
        ("app.js", "const apiKey = '{secret}';", 17),
        ("main.go", 'authToken := "{secret}"', 15),
        ("app.rb", 'config = { :api_secret => "{secret}" }', 28),
        ("settings.json", '{"clientSecret": "{secret}"}', 19),
        (".env", "export STRIPE_TOKEN={secret}", 21),
        ("app.properties", "spring.datasource.password={secret}", 28),
        ("web.config", '<add key="SmtpPassword" value="{secret}" />', 32),
        ("settings.xml", "<password>{secret}</password>", 11),
        ("request.http", "Authorization: Bearer {secret}", 23),
        ("run.sh", "mysql --password={secret} orders", 18),
    ],
)
def test_generic_assignment_forms(path: str, template: str, column: int) -> None:
    secret = case("generic-secret", 3).secret
    hits = find_secrets(template.replace("{secret}", secret) + "\n", path)
    assert [(h.detector.id, h.line, h.column, h.secret) for h in hits] == [
        ("generic-secret", 1, column, secret)
    ]


@pytest.mark.parametrize(
    "line",
    [
        'password_file = "/run/secrets/k9Xv2LpQ7z"',
        'token_url = "https://auth.internal/oauth/token"',
        "secret_name: orders-db-credentials",
        "password: str",
        "if password == 'Xk9#mQ2$vL8pRz':",
        'api_key = get_api_key("Xk9mQ2vL8pRzT")',
        "max_tokens = 4096",
        'author = "Jane Q. Public"',
        'public_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"',
        'password = "Summer2024"',
    ],
)
def test_generic_skips_names_and_values_that_are_not_secrets(line: str) -> None:
    assert find_secrets(line + "\n", "app.py") == []


def test_bare_values_count_in_configuration_but_not_in_code() -> None:
    secret = case("generic-secret", 4).secret
    text = f"password = {secret}\n"
    assert find_secrets(text, "app.py") == []
    assert [h.detector.id for h in find_secrets(text, "app.ini")] == ["generic-secret"]


def test_jwt_alg_none_is_reported_with_low_severity() -> None:
    unsigned, signed = case("jwt-unsigned"), case("jwt")
    assert find_secrets(unsigned.text, "a.py")[0].detector.severity < (
        find_secrets(signed.text, "a.py")[0].detector.severity
    )


@pytest.mark.parametrize(
    ("path", "template", "column", "wrapped"),
    [
        ("compose.yaml", "x: {image: 'api:2.1', environment: [API_TOKEN={secret}]}", 47, False),
        ("secret.yaml", "x: {kind: Secret, data: {password: {secret}}}", 36, True),
        ("app.ini", "opts = (password={secret})", 18, False),
    ],
)
def test_generic_finds_a_bare_value_inside_a_flow_structure_without_its_brackets(
    path: str, template: str, column: int, wrapped: bool
) -> None:
    secret = case("generic-secret", 5).secret
    value = base64.b64encode(secret.encode()).decode() if wrapped else secret
    hits = find_secrets(template.replace("{secret}", value) + "\n", path)
    assert [(h.detector.id, h.line, h.column, h.secret) for h in hits] == [
        ("generic-secret", 1, column, value)
    ]


def test_generic_keeps_closing_brackets_inside_a_quoted_value() -> None:
    secret = case("generic-secret", 6).secret + "]}"
    hits = find_secrets(f'api_token = "{secret}"\n', "settings.py")
    assert [(h.detector.id, h.column, h.secret) for h in hits] == [("generic-secret", 14, secret)]
