"""Source hosting tokens: GitHub, GitLab, Bitbucket.

GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens (and npm's `npm_`) end with a checksum:
the last 6 characters are the CRC32 of the 30 random characters, in base62 (digits, then
upper, then lower case), left-padded with zeros. A token whose checksum does not hold was
never issued, so it is not reported.
"""

from __future__ import annotations

import zlib

from garrison.model import Severity
from garrison.secrets.detectors.base import Detector, rotate, token

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RANDOM_LENGTH = 30
CHECKSUM_LENGTH = 6
GITHUB_DOCS = "https://docs.github.com/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats"
GITLAB_DOCS = "https://docs.gitlab.com/ee/security/tokens/"


def base62(number: int, width: int = CHECKSUM_LENGTH) -> str:
    """`number` in base62 (GMP alphabet), left-padded with zeros to `width`."""
    digits = ""
    while number:
        number, digit = divmod(number, 62)
        digits = BASE62[digit] + digits
    return digits.rjust(width, "0")


def checksum_ok(secret: str) -> bool:
    """The CRC32 checksum of a `xxx_` + 30 random + 6 checksum token holds."""
    body = secret[secret.index("_") + 1 :]
    if len(body) != RANDOM_LENGTH + CHECKSUM_LENGTH:
        return False
    random, checksum = body[:RANDOM_LENGTH], body[RANDOM_LENGTH:]
    return base62(zlib.crc32(random.encode())) == checksum


CHECKSUMMED = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_")


def forged(value: str) -> bool:
    """A value in a checksummed token format whose checksum does not hold (never issued)."""
    return value.startswith(CHECKSUMMED) and not checksum_ok(value)


def github(slug: str, prefix: str, title: str, trivy: str) -> Detector:
    return Detector(
        id=slug,
        title=title,
        severity=Severity.HIGH,
        keywords=(prefix,),
        pattern=token(prefix + r"[A-Za-z0-9]{36}"),
        remediation=rotate("GitHub (Settings → Developer settings, or the app's settings)"),
        references=(GITHUB_DOCS,),
        equivalents=(
            ("gitleaks", slug.replace("-classic", "")),
            ("trivy", trivy),
            ("detect-secrets", "GitHubTokenDetector"),
        ),
        validate=checksum_ok,
    )


def gitlab(slug: str, prefix: str, title: str, body: str = r"[A-Za-z0-9_\-]{20,}") -> Detector:
    return Detector(
        id=slug,
        title=title,
        severity=Severity.HIGH,
        keywords=(prefix.lower(),),
        pattern=token(prefix + body),
        remediation=rotate("GitLab (the token's settings page)"),
        references=(GITLAB_DOCS,),
        equivalents=(("detect-secrets", "GitLabTokenDetector"),),
    )


DETECTORS = (
    github("github-pat-classic", "ghp_", "GitHub personal access token (classic)", "github-pat"),
    github("github-oauth-token", "gho_", "GitHub OAuth access token", "github-oauth"),
    github("github-app-user-token", "ghu_", "GitHub App user-to-server token", "github-app-token"),
    github(
        "github-app-installation-token", "ghs_", "GitHub App installation token", "github-app-token"
    ),
    github("github-refresh-token", "ghr_", "GitHub refresh token", "github-refresh-token"),
    Detector(
        id="github-pat-fine-grained",
        title="GitHub fine-grained personal access token",
        severity=Severity.HIGH,
        keywords=("github_pat_",),
        pattern=token(r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"),
        remediation=rotate("GitHub (Settings → Developer settings → Fine-grained tokens)"),
        references=(GITHUB_DOCS,),
        equivalents=(
            ("gitleaks", "github-fine-grained-pat"),
            ("trivy", "github-fine-grained-pat"),
            ("detect-secrets", "GitHubTokenDetector"),
        ),
    ),
    gitlab(
        "gitlab-pat",
        "glpat-",
        "GitLab personal access token",
        r"[A-Za-z0-9_\-]{20,}(?:\.[A-Za-z0-9_\-]{2,}){0,2}",
    ),
    gitlab("gitlab-deploy-token", "gldt-", "GitLab deploy token"),
    gitlab("gitlab-runner-token", "glrt-", "GitLab runner authentication token"),
    gitlab(
        "gitlab-runner-registration-token",
        "GR1348941",
        "GitLab runner registration token",
        r"[A-Za-z0-9_\-]{20}",
    ),
    gitlab("gitlab-trigger-token", "glptt-", "GitLab pipeline trigger token", r"[0-9a-f]{40}"),
    gitlab("gitlab-feed-token", "glft-", "GitLab feed token"),
    gitlab(
        "gitlab-oauth-app-secret",
        "gloas-",
        "GitLab OAuth application secret",
        r"[A-Za-z0-9_\-]{64}",
    ),
    gitlab("gitlab-job-token", "glcbt-", "GitLab CI/CD job token"),
    gitlab("gitlab-scim-token", "glsoat-", "GitLab SCIM OAuth token"),
    Detector(
        id="bitbucket-app-password",
        title="Bitbucket app password",
        severity=Severity.HIGH,
        keywords=("atbb",),
        pattern=token(r"ATBB[A-Za-z0-9_=.\-]{28,}"),
        remediation=rotate("Bitbucket (Personal settings → App passwords)"),
        references=("https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",),
        min_entropy=4.0,
    ),
)
