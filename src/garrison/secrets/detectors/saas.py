"""Software-as-a-service tokens: hosting, observability, commerce and developer tools."""

from __future__ import annotations

from garrison.model import Severity
from garrison.secrets.detectors.base import (
    Candidate,
    Detector,
    assigned,
    file_name,
    normalised,
    prefixed,
    rotate,
)


def datadog_context(candidate: Candidate) -> bool:
    """Named for Datadog (DD_API_KEY, datadog_app_key), in datadog.yaml, or beside `datadog`."""
    name = normalised(candidate.match.group("name"))
    if name.startswith(("dd", "datadog")):
        return True
    if file_name(candidate.path) in ("datadog.yaml", "datadog.yml"):
        return True
    return candidate.near(("datadog",), 3)


SHOPIFY = "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens"
NEW_RELIC = "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/"
DATADOG = "https://docs.datadoghq.com/account_management/api-app-keys/"

DETECTORS = (
    prefixed(
        "heroku-api-key",
        "Heroku API key",
        ("hrku-",),
        r"HRKU-[A-Za-z0-9_\-]{60}",
        "Heroku (Account settings → API key → Regenerate)",
        "https://devcenter.heroku.com/articles/authentication",
        "heroku-api-key-v2",
    ),
    Detector(
        id="heroku-api-key-legacy",
        title="Heroku API key (UUID form)",
        severity=Severity.HIGH,
        keywords=("heroku",),
        pattern=assigned(
            r"[\w.\-]*heroku[\w.\-]*",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ),
        remediation=rotate("Heroku (Account settings → API key → Regenerate)"),
        references=("https://devcenter.heroku.com/articles/authentication",),
        equivalents=(("gitleaks", "heroku-api-key"),),
    ),
    Detector(
        id="datadog-api-key",
        title="Datadog API key",
        severity=Severity.HIGH,
        keywords=("api_key", "apikey", "api-key"),
        pattern=assigned(r"[\w.\-]*api[_\-.]?key", r"[0-9a-f]{32}"),
        remediation=rotate("Datadog (Organization settings → API keys)"),
        references=(DATADOG,),
        equivalents=(("gitleaks", "datadog-access-token"),),
        check=datadog_context,
        min_entropy=3.0,
    ),
    Detector(
        id="datadog-app-key",
        title="Datadog application key",
        severity=Severity.HIGH,
        keywords=("app_key", "appkey", "app-key", "application_key", "applicationkey"),
        pattern=assigned(r"[\w.\-]*app(?:lication)?[_\-.]?key", r"[0-9a-f]{40}"),
        remediation=rotate("Datadog (Organization settings → Application keys)"),
        references=(DATADOG,),
        check=datadog_context,
        min_entropy=3.0,
    ),
    prefixed(
        "shopify-access-token",
        "Shopify access token",
        ("shpat_",),
        r"shpat_[a-fA-F0-9]{32}",
        "the Shopify admin (Apps → the app → API credentials)",
        SHOPIFY,
        "shopify-access-token",
        trivy="shopify-token",
    ),
    prefixed(
        "shopify-custom-app-token",
        "Shopify custom app access token",
        ("shpca_",),
        r"shpca_[a-fA-F0-9]{32}",
        "the Shopify admin (Apps → the app → API credentials)",
        SHOPIFY,
        "shopify-custom-access-token",
        trivy="shopify-token",
    ),
    prefixed(
        "shopify-private-app-token",
        "Shopify private app password",
        ("shppa_",),
        r"shppa_[a-fA-F0-9]{32}",
        "the Shopify admin (Apps → the app → API credentials)",
        SHOPIFY,
        "shopify-private-app-access-token",
        trivy="shopify-token",
    ),
    prefixed(
        "shopify-shared-secret",
        "Shopify app shared secret",
        ("shpss_",),
        r"shpss_[a-fA-F0-9]{32}",
        "the Shopify Partners dashboard (the app → Client secret)",
        SHOPIFY,
        "shopify-shared-secret",
        trivy="shopify-token",
    ),
    prefixed(
        "newrelic-user-api-key",
        "New Relic user API key",
        ("nrak-",),
        r"NRAK-[A-Z0-9]{27}",
        "New Relic (API keys)",
        NEW_RELIC,
        "new-relic-user-api-key",
    ),
    prefixed(
        "newrelic-insert-key",
        "New Relic insert key",
        ("nrii-",),
        r"NRII-[A-Za-z0-9_\-]{32}",
        "New Relic (API keys)",
        NEW_RELIC,
        "new-relic-insert-key",
    ),
    prefixed(
        "newrelic-license-key",
        "New Relic license (ingest) key",
        ("nral",),
        r"[a-f0-9]{36}NRAL",
        "New Relic (API keys)",
        NEW_RELIC,
    ),
    prefixed(
        "sentry-auth-token",
        "Sentry auth token",
        ("sntryu_", "sntrys_"),
        r"sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_\-]{60,}",
        "Sentry (Settings → Auth Tokens)",
        "https://docs.sentry.io/account/auth-tokens/",
        "sentry-user-token",
    ),
    prefixed(
        "linear-api-key",
        "Linear API key",
        ("lin_api_",),
        r"lin_api_[A-Za-z0-9]{40}",
        "Linear (Settings → API)",
        "https://developers.linear.app/docs/graphql/working-with-the-graphql-api",
        "linear-api-key",
        trivy="linear-api-token",
    ),
    prefixed(
        "atlassian-api-token",
        "Atlassian API token",
        ("atatt3",),
        r"ATATT3[A-Za-z0-9_\-=]{180,200}",
        "Atlassian (Account settings → Security → API tokens)",
        "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
        "atlassian-api-token",
        trivy="atlassian-api-token",
    ),
    prefixed(
        "postman-api-key",
        "Postman API key",
        ("pmak-",),
        r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
        "Postman (Settings → API keys)",
        "https://learning.postman.com/docs/developer/postman-api/authentication/",
        "postman-api-token",
        trivy="postman-api-token",
    ),
    prefixed(
        "grafana-cloud-token",
        "Grafana Cloud access policy token",
        ("glc_",),
        r"glc_[A-Za-z0-9+/]{32,400}={0,2}",
        "Grafana Cloud (Access policies → tokens)",
        "https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/",
        "grafana-cloud-api-token",
        trivy="grafana-cloud-api-token",
    ),
    prefixed(
        "grafana-service-account-token",
        "Grafana service account token",
        ("glsa_",),
        r"glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}",
        "Grafana (Administration → Service accounts)",
        "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
        "grafana-service-account-token",
    ),
    prefixed(
        "mapbox-secret-token",
        "Mapbox secret access token",
        ("sk.eyj",),
        r"sk\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,}",
        "Mapbox (Account → Tokens)",
        "https://docs.mapbox.com/accounts/guides/tokens/",
    ),
)
