"""Chat platform tokens and webhooks: Slack, Discord, Telegram, Microsoft Teams.

For webhook URLs the secret is the URL's last, secret part: the preview keeps the host and
the (non-secret) workspace and channel ids, which tell a reader which webhook it is.
"""

from __future__ import annotations

import re

from garrison.model import Severity
from garrison.secrets.detectors.base import RIGHT, Detector, rotate, token

SLACK_DOCS = "https://api.slack.com/authentication/token-types"


def slack(slug: str, keywords: tuple[str, ...], core: str, title: str, gitleaks: str) -> Detector:
    return Detector(
        id=slug,
        title=title,
        severity=Severity.HIGH,
        keywords=keywords,
        pattern=token(core),
        remediation=rotate("Slack (the app's OAuth & Permissions page, or api.slack.com/apps)"),
        references=(SLACK_DOCS,),
        equivalents=(
            ("gitleaks", gitleaks),
            ("trivy", "slack-access-token"),
            ("detect-secrets", "SlackDetector"),
        ),
    )


DETECTORS = (
    slack(
        "slack-bot-token",
        ("xoxb-",),
        r"xoxb-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{24,34}",
        "Slack bot token",
        "slack-bot-token",
    ),
    slack(
        "slack-user-token",
        ("xoxp-",),
        r"xoxp-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[a-f0-9]{32}",
        "Slack user token",
        "slack-user-token",
    ),
    slack(
        "slack-app-token",
        ("xapp-",),
        r"xapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-f0-9]{64}",
        "Slack app-level token",
        "slack-app-token",
    ),
    slack(
        "slack-other-token",
        ("xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe-", "xoxe."),
        r"xox[aorse](?:\.xox[bp])?-[0-9A-Za-z\-]{20,}",
        "Slack legacy, refresh or configuration token",
        "slack-legacy-token",
    ),
    Detector(
        id="slack-webhook-url",
        title="Slack incoming webhook URL",
        severity=Severity.MEDIUM,
        keywords=("hooks.slack.com",),
        pattern=re.compile(
            r"hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,14}/"
            rf"(?P<secret>[A-Za-z0-9]{{20,40}}){RIGHT}"
        ),
        remediation=rotate("Slack (the app's Incoming Webhooks page: remove the webhook)"),
        references=("https://api.slack.com/messaging/webhooks",),
        equivalents=(
            ("gitleaks", "slack-webhook-url"),
            ("trivy", "slack-web-hook"),
            ("detect-secrets", "SlackDetector"),
        ),
    ),
    Detector(
        id="discord-bot-token",
        title="Discord bot token",
        severity=Severity.HIGH,
        keywords=("discord",),
        pattern=token(r"[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}"),
        remediation=rotate("the Discord developer portal (Bot → Reset token)"),
        references=("https://discord.com/developers/docs/topics/oauth2#bots",),
        equivalents=(("detect-secrets", "DiscordBotTokenDetector"),),
        window=3,
        min_entropy=4.0,
    ),
    Detector(
        id="discord-webhook-url",
        title="Discord webhook URL",
        severity=Severity.MEDIUM,
        keywords=("discord",),
        pattern=re.compile(
            r"discord(?:app)?\.com/api/webhooks/\d{17,20}/"
            rf"(?P<secret>[A-Za-z0-9_\-]{{60,72}}){RIGHT}"
        ),
        remediation=rotate("Discord (channel settings → Integrations → Webhooks: delete it)"),
        references=("https://discord.com/developers/docs/resources/webhook",),
    ),
    Detector(
        id="telegram-bot-token",
        title="Telegram bot token",
        severity=Severity.HIGH,
        keywords=(":aa",),
        pattern=re.compile(rf"(?<![0-9])(?P<secret>[0-9]{{8,10}}:AA[A-Za-z0-9_\-]{{33}}){RIGHT}"),
        remediation=rotate("Telegram (@BotFather → /revoke)"),
        references=("https://core.telegram.org/bots/api#authorizing-your-bot",),
        equivalents=(
            ("gitleaks", "telegram-bot-api-token"),
            ("trivy", "telegram-bot-token"),
            ("detect-secrets", "TelegramBotTokenDetector"),
        ),
    ),
    Detector(
        id="teams-webhook-url",
        title="Microsoft Teams incoming webhook URL",
        severity=Severity.MEDIUM,
        keywords=("webhook.office.com",),
        pattern=re.compile(
            r"webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/IncomingWebhook/"
            r"(?P<secret>[0-9a-f]{32})/[0-9a-f\-]{36}"
        ),
        remediation=rotate("Microsoft Teams (the channel's Connectors or Workflows page)"),
        references=(
            "https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
        ),
    ),
)
