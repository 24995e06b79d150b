"""Package and container registry credentials: npm, PyPI, RubyGems, NuGet, Docker, JFrog."""

from __future__ import annotations

import base64
import binascii
import re

from garrison.model import Severity
from garrison.secrets.decoys import is_template, is_weak_placeholder
from garrison.secrets.detectors.base import ASSIGN, Candidate, Detector, rotate, token
from garrison.secrets.detectors.vcs import checksum_ok, forged
from garrison.secrets.entropy import looks_random


def npmrc_value(candidate: Candidate) -> bool:
    """An `_authToken`/`_auth`/`_password`/`npmAuthToken` value that is not a reference."""
    secret = candidate.secret
    if forged(secret):
        return False
    return not is_template(secret) and not is_weak_placeholder(secret) and looks_random(secret)


def docker_auth(candidate: Candidate) -> bool:
    """An `"auth"` of a Docker config's `"auths"`: base64 of `user:password`."""
    if not candidate.file.contains('"auths"'):
        return False
    try:
        decoded = base64.b64decode(candidate.secret, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user and password) and not is_weak_placeholder(password)


DETECTORS = (
    Detector(
        id="npm-access-token",
        title="npm access token",
        severity=Severity.HIGH,
        keywords=("npm_",),
        pattern=token(r"npm_[A-Za-z0-9]{36}"),
        remediation=rotate("npm (Access Tokens on npmjs.com, or `npm token revoke`)"),
        references=("https://docs.npmjs.com/about-access-tokens",),
        equivalents=(
            ("gitleaks", "npm-access-token"),
            ("trivy", "npm-access-token"),
            ("detect-secrets", "NpmDetector"),
        ),
        validate=checksum_ok,
    ),
    Detector(
        id="npmrc-auth-token",
        title="npm registry credential in .npmrc / .yarnrc",
        severity=Severity.HIGH,
        keywords=("_authtoken", "_auth", "_password", "npmauthtoken"),
        pattern=re.compile(
            rf"(?:(?<=:)|(?<![\w.\-]))(?i:_authToken|_auth|_password|npmAuthToken){ASSIGN}"
            r"[\"']?(?P<secret>[^\s\"'`]{8,})"
        ),
        remediation=rotate("the registry (npm token revoke, or the registry's token page)")
        + " Reference it as ${NPM_TOKEN} in .npmrc.",
        references=(
            "https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration",
        ),
        equivalents=(("detect-secrets", "NpmDetector"),),
        check=npmrc_value,
        confidence="medium",
    ),
    Detector(
        id="pypi-upload-token",
        title="PyPI upload token",
        severity=Severity.HIGH,
        keywords=("pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"),
        pattern=token(r"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}"),
        remediation=rotate("PyPI (Account settings → API tokens)")
        + " Prefer trusted publishing from CI.",
        references=("https://pypi.org/help/#apitoken",),
        equivalents=(
            ("gitleaks", "pypi-upload-token"),
            ("trivy", "pypi-upload-token"),
            ("detect-secrets", "PypiTokenDetector"),
        ),
    ),
    Detector(
        id="docker-config-auth",
        title="Docker registry credential (config.json auths)",
        severity=Severity.HIGH,
        keywords=('"auth"',),
        pattern=re.compile(r"\"auth\"\s*:\s*\"(?P<secret>[A-Za-z0-9+/]{8,}={0,2})\""),
        remediation="Log out (`docker logout`), change the registry password or revoke the "
        "access token, and use a credential helper instead of auths in config.json.",
        references=("https://docs.docker.com/reference/cli/docker/login/#credential-stores",),
        equivalents=(("trivy", "dockerconfig-secret"),),
        check=docker_auth,
    ),
    Detector(
        id="rubygems-api-key",
        title="RubyGems API key",
        severity=Severity.HIGH,
        keywords=("rubygems_",),
        pattern=token(r"rubygems_[0-9a-f]{48}"),
        remediation=rotate("RubyGems.org (Settings → API keys)"),
        references=("https://guides.rubygems.org/api-key-scopes/",),
        equivalents=(("gitleaks", "rubygems-api-token"), ("trivy", "rubygems-api-token")),
    ),
    Detector(
        id="nuget-api-key",
        title="NuGet API key",
        severity=Severity.HIGH,
        keywords=("oy2",),
        pattern=token(r"oy2[a-z0-9]{43}"),
        remediation=rotate("nuget.org (API keys)"),
        references=("https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys",),
        min_entropy=4.0,
    ),
    Detector(
        id="dockerhub-pat",
        title="Docker Hub personal access token",
        severity=Severity.HIGH,
        keywords=("dckr_pat_",),
        pattern=token(r"dckr_pat_[A-Za-z0-9_\-]{27}"),
        remediation=rotate("Docker Hub (Account settings → Personal access tokens)"),
        references=("https://docs.docker.com/security/for-developers/access-tokens/",),
        equivalents=(("trivy", "dockerhub-pat"),),
    ),
    Detector(
        id="jfrog-reference-token",
        title="JFrog Artifactory reference token",
        severity=Severity.HIGH,
        keywords=("cmvmdgtuojaxoj",),
        pattern=token(r"cmVmdGtuOjAxOj[A-Za-z0-9]{50,}"),
        remediation=rotate("JFrog (User profile → Identity tokens, or the admin token list)"),
        references=(
            "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens",
        ),
        equivalents=(("detect-secrets", "ArtifactoryDetector"),),
    ),
)
