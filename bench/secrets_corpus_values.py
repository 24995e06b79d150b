"""Values for the labelled secrets corpus (bench/secrets_corpus.py): credentials in their
providers' published formats (random, so never live), and the look-alikes real projects are
full of (examples, placeholders, references, hashes, ids, public keys).

Real-format credentials come from tests/secrets/tokens.py (checksums included); lengths vary
where the providers' formats vary. Nothing here looks at garrison's detectors.
"""

from __future__ import annotations

import base64
import hashlib
import random
import string
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.secrets.tokens import (  # noqa: E402
    ALNUM,
    B64,
    HEX,
    TOKENS,
    URLSAFE,
    b64,
    crc_token,
    pem_block,
    pick,
    sa_json,
    uid,
)

R = random.Random


def secret(rng: R, kind: str) -> str:
    """A credential of `kind` (a key of tokens.TOKENS, or one of the extra kinds below)."""
    extra = {
        "stripe-secret-key-short": lambda: "sk_live_" + pick(rng, ALNUM, 24),
        "slack-bot-token-long": lambda: (
            f"xoxb-{pick(rng, string.digits, 12)}-"
            f"{pick(rng, string.digits, 13)}-{pick(rng, ALNUM, 32)}"
        ),
        "openai-legacy": lambda: "sk-" + pick(rng, ALNUM, 20) + "T3BlbkFJ" + pick(rng, ALNUM, 20),
        "aws-temporary-id": lambda: "ASIA" + pick(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        "django-secret-key": lambda: pick(
            rng, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50
        ),
        "human-password": lambda: (
            rng.choice(["Summer", "Falcon", "Orchid", "Granite", "Harbor", "Velvet"])
            + rng.choice(["-", "_", "#", ""])
            + str(rng.randint(1990, 2030))
            + rng.choice("!?#$")
        ),
        "hex-token": lambda: pick(rng, HEX, rng.choice([32, 40, 64])),
        "base64-token": lambda: b64(rng, rng.choice([24, 32, 48])),
    }
    if kind in extra:
        return extra[kind]()
    return TOKENS[kind](rng)


def pem(rng: R, label: str) -> str:
    return pem_block(rng, label, rng.choice([1190, 1218, 2350]))


def service_account(rng: R) -> str:
    return sa_json(rng)[0]


AWS_EXAMPLE_ID = "AKIA" + "IOSFODNN7" + "EXAMPLE"
AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/" + "KBHBeksoGMGw=="
)
JWT_IO_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
    "aWF0IjoxNTE2MjM5MDIyfQ." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PLACEHOLDERS = (
    "<your-api-key>",
    "your_api_key_here",
    "changeme",
    "xxxxxxxxxxxxxxxxxxxx",
    "********",
    "REPLACE_ME",
    "TODO",
    "dummy-token",
    "sample-secret",
    "<password>",
    "secret",
    "password",
    "YOUR_TOKEN",
    "insert-token-here",
    "<redacted>",
    "REDACTED",
    "example-password",
    "foobar",
    "my-secret-password",
    "not-a-real-key",
)
PLACEHOLDER_TOKENS = (
    "ghp_" + "x" * 36,
    "sk_live_" + "x" * 24,
    "AKIA" + "X" * 16,
    "xoxb-your-bot-token",
    "glpat-" + "x" * 20,
    "AIza" + "X" * 35,
    "npm_" + "0" * 36,
    "SG.xxxxxxxx.yyyyyyyy",
    "sk-" + "x" * 48,
    "hvs.XXXXXXXXXXXXXXXXXXXXXXXX",
)
TEMPLATES = (
    "${DB_PASSWORD}",
    "{{ .Values.db.password }}",
    "$API_TOKEN",
    "%(password)s",
    "${{ secrets.DEPLOY_TOKEN }}",
    "#{ENV['TOKEN']}",
    "<%= ENV['SECRET_KEY'] %>",
    "{{ vault_db_password }}",
    "${var.api_token}",
    "$(SERVICE_PASSWORD)",
)
ENV_REFS = (
    'os.environ["{name}"]',
    'os.getenv("{name}")',
    "process.env.{name}",
    'System.getenv("{name}")',
    'os.Getenv("{name}")',
    'ENV["{name}"]',
)


def decoy(rng: R, kind: str) -> str:
    """A look-alike value of `kind` (not a secret)."""
    makers = {
        "placeholder": lambda: rng.choice(PLACEHOLDERS),
        "placeholder-token": lambda: rng.choice(PLACEHOLDER_TOKENS),
        "template": lambda: rng.choice(TEMPLATES),
        "sha256": lambda: hashlib.sha256(rng.randbytes(16)).hexdigest(),
        "sha1": lambda: hashlib.sha1(rng.randbytes(16), usedforsecurity=False).hexdigest(),
        "md5": lambda: hashlib.md5(rng.randbytes(16), usedforsecurity=False).hexdigest(),
        "integrity": lambda: "sha512-" + b64(rng, 64),
        "uuid": lambda: uid(rng),
        "bad-checksum-github": lambda: crc_token(rng, rng.choice(["ghp_", "gho_", "ghs_"]), False),
        "publishable-key": lambda: rng.choice(["pk_live_", "pk_test_"]) + pick(rng, ALNUM, 24),
        "bcrypt": lambda: "$2b$12$" + pick(rng, ALNUM + "./", 53),
        "build-id": lambda: pick(rng, ALNUM, rng.choice([16, 20, 24])),
        "test-password": lambda: rng.choice(
            ["test1234", "testpass", "password123", "hunter2", "admin", "secret123", "letmein"]
        ),
    }
    return makers[kind]()


def ssh_public_key(rng: R) -> str:
    body = base64.b64encode(
        b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01" + rng.randbytes(257)
    )
    who = f"{rng.choice(['deploy', 'ci', 'alice'])}@{rng.choice(['build', 'laptop'])}"
    return f"ssh-rsa {body.decode()} {who}"


def public_pem(rng: R, label: str = "PUBLIC KEY") -> str:
    return pem_block(rng, label, 270, b"0\x82\x01\x22")


def data_uri(rng: R) -> str:
    return (
        "data:image/png;base64,"
        + base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(900)).decode()
    )


def minified_ids(rng: R) -> str:
    """A line of a minified bundle: module ids, content hashes, an SRI hash."""
    chunks = ",".join(f'{rng.randint(100, 999)}:"{pick(rng, HEX, 20)}"' for _ in range(12))
    return (
        f'!function(e){{var t={{{chunks}}};e.p="/static/js/";e.h="{pick(rng, HEX, 8)}";'
        f'e.nonce="{b64(rng, 16)}";e.k="{pick(rng, URLSAFE, 22)}"}}([]);'
    )


def b64_of(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def commit_sha(rng: R) -> str:
    return pick(rng, HEX, 40)


def b64_blob(rng: R, size: int) -> str:
    return pick(rng, B64, size)


ENV_NAMES = {
    "aws-access-key-id": "AWS_ACCESS_KEY_ID",
    "aws-temporary-id": "AWS_ACCESS_KEY_ID",
    "aws-secret-access-key": "AWS_SECRET_ACCESS_KEY",
    "aws-session-token": "AWS_SESSION_TOKEN",
    "gcp-api-key": "GOOGLE_API_KEY",
    "gcp-oauth-client-secret": "GOOGLE_CLIENT_SECRET",
    "azure-ad-client-secret": "AZURE_CLIENT_SECRET",
    "github-pat-classic": "GITHUB_TOKEN",
    "github-oauth-token": "GH_OAUTH_TOKEN",
    "github-app-user-token": "GITHUB_USER_TOKEN",
    "github-app-installation-token": "GH_INSTALLATION_TOKEN",
    "github-refresh-token": "GITHUB_REFRESH_TOKEN",
    "github-pat-fine-grained": "GH_PAT",
    "gitlab-pat": "GITLAB_TOKEN",
    "gitlab-deploy-token": "GITLAB_DEPLOY_TOKEN",
    "gitlab-runner-token": "RUNNER_TOKEN",
    "gitlab-runner-registration-token": "REGISTRATION_TOKEN",
    "gitlab-trigger-token": "TRIGGER_TOKEN",
    "gitlab-feed-token": "GITLAB_FEED_TOKEN",
    "gitlab-oauth-app-secret": "GITLAB_OAUTH_SECRET",
    "gitlab-job-token": "UPSTREAM_JOB_TOKEN",
    "gitlab-scim-token": "GITLAB_SCIM_TOKEN",
    "bitbucket-app-password": "BITBUCKET_APP_PASSWORD",
    "slack-bot-token": "SLACK_BOT_TOKEN",
    "slack-bot-token-long": "SLACK_TOKEN",
    "slack-user-token": "SLACK_USER_TOKEN",
    "slack-app-token": "SLACK_APP_TOKEN",
    "slack-other-token": "SLACK_REFRESH_TOKEN",
    "discord-bot-token": "DISCORD_BOT_TOKEN",
    "telegram-bot-token": "TELEGRAM_BOT_TOKEN",
    "stripe-secret-key": "STRIPE_SECRET_KEY",
    "stripe-secret-key-short": "STRIPE_API_KEY",
    "stripe-restricted-key": "STRIPE_RESTRICTED_KEY",
    "stripe-test-key": "STRIPE_TEST_SECRET_KEY",
    "stripe-webhook-secret": "STRIPE_WEBHOOK_SECRET",
    "square-access-token": "SQUARE_ACCESS_TOKEN",
    "square-oauth-secret": "SQUARE_APP_SECRET",
    "braintree-access-token": "BRAINTREE_ACCESS_TOKEN",
    "twilio-api-key": "TWILIO_API_KEY",
    "twilio-auth-token": "TWILIO_AUTH_TOKEN",
    "sendgrid-api-key": "SENDGRID_API_KEY",
    "mailgun-api-key": "MAILGUN_API_KEY",
    "mailchimp-api-key": "MAILCHIMP_API_KEY",
    "npm-access-token": "NPM_TOKEN",
    "pypi-upload-token": "TWINE_PASSWORD",
    "rubygems-api-key": "GEM_HOST_API_KEY",
    "nuget-api-key": "NUGET_API_KEY",
    "dockerhub-pat": "DOCKERHUB_TOKEN",
    "jfrog-reference-token": "ARTIFACTORY_ACCESS_TOKEN",
    "heroku-api-key": "HEROKU_API_KEY",
    "heroku-api-key-legacy": "HEROKU_API_KEY",
    "datadog-api-key": "DD_API_KEY",
    "datadog-app-key": "DD_APP_KEY",
    "shopify-access-token": "SHOPIFY_ACCESS_TOKEN",
    "shopify-custom-app-token": "SHOPIFY_APP_TOKEN",
    "shopify-private-app-token": "SHOPIFY_PASSWORD",
    "shopify-shared-secret": "SHOPIFY_API_SECRET",
    "newrelic-user-api-key": "NEW_RELIC_API_KEY",
    "newrelic-insert-key": "NEW_RELIC_INSERT_KEY",
    "newrelic-license-key": "NEW_RELIC_LICENSE_KEY",
    "sentry-auth-token": "SENTRY_AUTH_TOKEN",
    "openai-api-key": "OPENAI_API_KEY",
    "openai-legacy": "OPENAI_KEY",
    "anthropic-api-key": "ANTHROPIC_API_KEY",
    "terraform-cloud-token": "TF_TOKEN_app_terraform_io",
    "vault-token": "VAULT_TOKEN",
    "doppler-token": "DOPPLER_TOKEN",
    "linear-api-key": "LINEAR_API_KEY",
    "atlassian-api-token": "JIRA_API_TOKEN",
    "digitalocean-token": "DIGITALOCEAN_TOKEN",
    "postman-api-key": "POSTMAN_API_KEY",
    "grafana-cloud-token": "GRAFANA_CLOUD_TOKEN",
    "grafana-service-account-token": "GRAFANA_TOKEN",
    "pulumi-access-token": "PULUMI_ACCESS_TOKEN",
    "databricks-token": "DATABRICKS_TOKEN",
    "huggingface-token": "HF_TOKEN",
    "mapbox-secret-token": "MAPBOX_SECRET_TOKEN",
    "planetscale-token": "PLANETSCALE_SERVICE_TOKEN",
    "supabase-access-token": "SUPABASE_ACCESS_TOKEN",
    "age-secret-key": "SOPS_AGE_KEY",
    "jwt": "SERVICE_JWT",
    "jwt-unsigned": "DEBUG_JWT",
    "django-secret-key": "SECRET_KEY",
    "generic-secret": "DB_PASSWORD",
    "hex-token": "INTERNAL_API_TOKEN",
    "base64-token": "SESSION_SECRET",
    "human-password": "ADMIN_PASSWORD",
}
KEY_LABELS = (
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "DSA PRIVATE KEY",
)
NOT_SECRET_ENV = (
    "LOG_LEVEL=info",
    "PORT=8080",
    "NODE_ENV=production",
    "REGION=eu-west-1",
    "FEATURE_FLAGS=search,checkout",
    "TZ=UTC",
    "WORKERS=4",
    "REDIS_URL=redis://cache:6379/0",
    "TOKEN_TTL_SECONDS=3600",
    "PASSWORD_MIN_LENGTH=12",
    "AUTH_ISSUER=https://auth.internal/",
)
