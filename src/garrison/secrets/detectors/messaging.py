"""Messaging and e-mail provider keys: Twilio, SendGrid, Mailgun, Mailchimp.

Twilio's API key (`SK` + 32 hex) and auth token (32 hex) have no distinctive prefix, so they
are only looked for in files that mention Twilio (scope "file").
"""

from __future__ import annotations

import re

from garrison.model import Severity
from garrison.secrets.detectors.base import ASSIGN, Candidate, Detector, rotate, token

TWILIO_DOCS = "https://www.twilio.com/docs/iam/api-keys"
MAILGUN_V2 = re.compile(r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}")


def mailgun_context(candidate: Candidate) -> bool:
    """The legacy `key-` form stands alone; the newer form needs Mailgun named nearby."""
    if not MAILGUN_V2.fullmatch(candidate.secret):
        return True
    return candidate.near(("mailgun",), 5)


DETECTORS = (
    Detector(
        id="twilio-api-key",
        title="Twilio API key",
        severity=Severity.HIGH,
        keywords=("twilio",),
        pattern=token(r"SK[0-9a-fA-F]{32}"),
        remediation=rotate("the Twilio console (Account → API keys & tokens)"),
        references=(TWILIO_DOCS,),
        equivalents=(
            ("gitleaks", "twilio-api-key"),
            ("trivy", "twilio-api-key"),
            ("detect-secrets", "TwilioKeyDetector"),
        ),
        scope="file",
        min_entropy=3.0,
    ),
    Detector(
        id="twilio-auth-token",
        title="Twilio auth token",
        severity=Severity.HIGH,
        keywords=("twilio",),
        pattern=re.compile(
            rf"(?i:auth[_\-.]?token|twilio[_\-.]?token){ASSIGN}[\"'`]?(?P<secret>[0-9a-f]{{32}})"
            r"(?![0-9A-Za-z])"
        ),
        remediation=rotate("the Twilio console (Account → API keys & tokens → auth token)"),
        references=("https://www.twilio.com/docs/iam/credentials/api",),
        scope="file",
        min_entropy=3.0,
    ),
    Detector(
        id="sendgrid-api-key",
        title="SendGrid API key",
        severity=Severity.HIGH,
        keywords=("sg.",),
        pattern=token(r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
        remediation=rotate("SendGrid (Settings → API Keys)"),
        references=("https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",),
        equivalents=(
            ("gitleaks", "sendgrid-api-token"),
            ("trivy", "sendgrid-api-token"),
            ("detect-secrets", "SendGridDetector"),
        ),
    ),
    Detector(
        id="mailgun-api-key",
        title="Mailgun API key",
        severity=Severity.HIGH,
        keywords=("key-", "mailgun"),
        pattern=token(r"key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}"),
        remediation=rotate("Mailgun (API Security → API keys)"),
        references=("https://documentation.mailgun.com/docs/mailgun/api-reference/authentication",),
        equivalents=(("gitleaks", "mailgun-private-api-token"), ("trivy", "mailgun-token")),
        min_entropy=3.0,
        check=mailgun_context,
    ),
    Detector(
        id="mailchimp-api-key",
        title="Mailchimp API key",
        severity=Severity.HIGH,
        keywords=("-us",),
        pattern=token(r"[0-9a-f]{32}-us[0-9]{1,2}"),
        remediation=rotate("Mailchimp (Account → Extras → API keys)"),
        references=("https://mailchimp.com/developer/marketing/guides/quick-start/",),
        equivalents=(("gitleaks", "mailchimp-api-key"), ("detect-secrets", "MailchimpDetector")),
        min_entropy=3.0,
    ),
)
