"""Typical files holding one secret of each detector's kind, and where the secret is."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from tests.secrets.tokens import TOKENS, sa_json


@dataclass(frozen=True)
class Case:
    """A file holding one secret: where it is (1-based line and column) and what it is."""

    path: str
    text: str
    secret: str

    @property
    def line(self) -> int:
        return self.text[: self.text.index(self.secret)].count("\n") + 1

    @property
    def column(self) -> int:
        at = self.text.index(self.secret)
        return at - self.text.rfind("\n", 0, at)


def fill(path: str, template: str) -> Callable[[str], tuple[str, str]]:
    return lambda secret: (path, template.replace("{secret}", secret))


DEFAULT = fill("src/app/settings.py", 'import os\n\nTIMEOUT = 30\nSERVICE_KEY = "{secret}"\n')
TEMPLATES: dict[str, Callable[[str], tuple[str, str]]] = {
    "aws-secret-access-key": fill(".env", "AWS_REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    "gcp-service-account": fill("deploy/sa.json", "{secret}"),
    "azure-storage-account-key": fill(
        "appsettings.json",
        '{\n  "Storage": "DefaultEndpointsProtocol=https;AccountName=ordersprod;'
        'AccountKey={secret};EndpointSuffix=core.windows.net"\n}\n',
    ),
    "azure-shared-access-key": fill(
        "local.settings.json",
        '{"ServiceBus": "Endpoint=sb://orders.servicebus.windows.net/;'
        'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={secret}"}\n',
    ),
    "azure-sas-token": fill(
        "scripts/upload.sh",
        'curl -T dump.gz "https://ordersprod.blob.core.windows.net/backups/dump.gz'
        '?sv=2022-11-02&ss=b&srt=o&sp=rwc&se=2031-01-01T00:00:00Z&sig={secret}"\n',
    ),
    "azure-ad-client-secret": fill(
        ".env", "AZURE_TENANT_ID=contoso\nAZURE_CLIENT_SECRET={secret}\n"
    ),
    "slack-webhook-url": fill(
        "ci/notify.sh",
        "curl -X POST https://hooks.slack.com/services/T0A1B2C3D/B0E4F5G6H/{secret} -d @msg.json\n",
    ),
    "discord-bot-token": fill("bot/config.py", 'DISCORD_BOT = "{secret}"\n'),
    "discord-webhook-url": fill(
        "notify.py", 'HOOK = "https://discord.com/api/webhooks/123456789012345678/{secret}"\n'
    ),
    "teams-webhook-url": fill(
        "alerts.yaml",
        "webhook: https://contoso.webhook.office.com/webhookb2/0f8fad5b-d9cb-469f-a165-70867728950e"
        "@7c9e6679-7425-40de-944b-e07fc1f90ae7/IncomingWebhook/{secret}/"
        "16fd2706-8baf-433b-82eb-8c7fada847da\n",
    ),
    "twilio-api-key": fill(
        "sms.py", "from twilio.rest import Client\n\nclient = Client('{secret}')\n"
    ),
    "twilio-auth-token": fill("sms.py", "import twilio\n\nauth_token = '{secret}'\n"),
    "mailgun-api-key": fill("mail.py", 'MAILGUN = "{secret}"\n'),
    "npmrc-auth-token": fill(".npmrc", "//npm.pkg.internal.corp/:_authToken={secret}\n"),
    "docker-config-auth": fill(
        ".docker/config.json",
        '{\n  "auths": {\n    "registry.internal.corp": {\n      "auth": "{secret}"\n'
        "    }\n  }\n}\n",
    ),
    "heroku-api-key-legacy": fill(".env", "HEROKU_API_KEY={secret}\n"),
    "datadog-api-key": fill(".env", "DD_API_KEY={secret}\n"),
    "datadog-app-key": fill(".env", "DD_APP_KEY={secret}\n"),
    "database-url-password": fill(
        "docker-compose.yml",
        "services:\n  api:\n    environment:\n"
        "      DATABASE_URL: postgres://orders:{secret}@db:5432/orders\n",
    ),
    "basic-auth-url": fill(
        "Makefile", "mirror:\n\tgit push https://deploy:{secret}@git.internal.corp/acme/app.git\n"
    ),
    "generic-secret": fill("config/app.yaml", "db:\n  user: orders\n  password: {secret}\n"),
}


def case(detector_id: str, seed: int = 0) -> Case:
    """A typical file with one secret of this detector's kind."""
    rng = random.Random(f"{detector_id}:{seed}")
    if detector_id == "gcp-service-account":
        text, key = sa_json(rng)
        return Case("deploy/sa.json", text, key)
    secret = TOKENS[detector_id](rng)
    path, text = TEMPLATES.get(detector_id, DEFAULT)(secret)
    return Case(path, text, secret)
