"""Payment provider keys: Stripe, Square, Braintree (PayPal)."""

from __future__ import annotations

from garrison.model import Severity
from garrison.secrets.detectors.base import Detector, rotate, token

STRIPE_DOCS = "https://docs.stripe.com/keys"
STRIPE_ROTATE = rotate("the Stripe dashboard (Developers → API keys → Roll key)")
STRIPE_EQUIVALENTS = (
    ("gitleaks", "stripe-access-token"),
    ("trivy", "stripe-secret-token"),
    ("detect-secrets", "StripeDetector"),
)

DETECTORS = (
    Detector(
        id="stripe-secret-key",
        title="Stripe live secret key",
        severity=Severity.CRITICAL,
        keywords=("sk_live_",),
        pattern=token(r"sk_live_[A-Za-z0-9]{24,247}"),
        remediation=STRIPE_ROTATE,
        references=(STRIPE_DOCS,),
        equivalents=STRIPE_EQUIVALENTS,
    ),
    Detector(
        id="stripe-restricted-key",
        title="Stripe live restricted key",
        severity=Severity.HIGH,
        keywords=("rk_live_",),
        pattern=token(r"rk_live_[A-Za-z0-9]{24,247}"),
        remediation=STRIPE_ROTATE,
        references=(STRIPE_DOCS,),
        equivalents=STRIPE_EQUIVALENTS,
    ),
    Detector(
        id="stripe-test-key",
        title="Stripe test-mode secret key",
        severity=Severity.LOW,
        keywords=("sk_test_", "rk_test_"),
        pattern=token(r"[sr]k_test_[A-Za-z0-9]{24,247}"),
        remediation="Test-mode keys move no money but expose test data and settings: roll it "
        "in the Stripe dashboard and keep it in CI secrets or a local .env that is not committed.",
        references=(STRIPE_DOCS,),
        equivalents=STRIPE_EQUIVALENTS,
    ),
    Detector(
        id="stripe-webhook-secret",
        title="Stripe webhook signing secret",
        severity=Severity.MEDIUM,
        keywords=("whsec_",),
        pattern=token(r"whsec_[A-Za-z0-9+/]{32,}={0,2}"),
        remediation=rotate("the Stripe dashboard (Webhooks → the endpoint → Roll secret)"),
        references=("https://docs.stripe.com/webhooks#verify-events",),
    ),
    Detector(
        id="square-access-token",
        title="Square access token",
        severity=Severity.HIGH,
        keywords=("eaaa", "sq0atp-"),
        pattern=token(r"EAAA[A-Za-z0-9_\-]{60}|sq0atp-[A-Za-z0-9_\-]{22}"),
        remediation=rotate("the Square developer dashboard (Credentials → Replace)"),
        references=("https://developer.squareup.com/docs/build-basics/access-tokens",),
        equivalents=(("gitleaks", "square-access-token"), ("trivy", "square-access-token")),
        min_entropy=4.0,
    ),
    Detector(
        id="square-oauth-secret",
        title="Square OAuth application secret",
        severity=Severity.HIGH,
        keywords=("sq0csp-",),
        pattern=token(r"sq0csp-[A-Za-z0-9_\-]{43}"),
        remediation=rotate("the Square developer dashboard (OAuth → Replace secret)"),
        references=("https://developer.squareup.com/docs/oauth-api/overview",),
        equivalents=(("detect-secrets", "SquareOAuthDetector"),),
    ),
    Detector(
        id="braintree-access-token",
        title="Braintree (PayPal) access token",
        severity=Severity.HIGH,
        keywords=("access_token$",),
        pattern=token(r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}"),
        remediation=rotate("the Braintree control panel (API → revoke the access token)"),
        references=("https://developer.paypal.com/braintree/docs/guides/authorization/overview",),
        equivalents=(("gitleaks", "braintree-access-token"),),
    ),
)
