"""Structured tokens and credentials in URLs: JWTs, database URLs, basic-auth URLs."""

from __future__ import annotations

import base64
import binascii
import json
import re

from garrison.model import Severity
from garrison.secrets.decoys import is_template, is_weak_placeholder
from garrison.secrets.detectors.base import Candidate, Detector, token
from garrison.secrets.detectors.vcs import forged

JWT_CORE = r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\."
DATABASE_SCHEMES = (
    r"(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|"
    r"sqlserver|cockroachdb|clickhouse|couchdb|neo4j(?:\+s)?|oracle|snowflake)(?:\+[a-z0-9]+)?"
)
WEB_SCHEMES = r"(?:https?|ftps?|sftp|ssh|git|smtps?|ldaps?|svn|wss?)"
USERINFO = r"(?P<user>[^:@/\s\"'`<>]{0,64}):(?P<secret>[^:@/\s\"'`<>]{1,128})@(?P<host>[\w.\-]+)"
DATABASE_KEYWORDS = (
    "postgres://",
    "postgresql://",
    "postgresql+",
    "mysql://",
    "mysql+",
    "mariadb://",
    "mongodb://",
    "mongodb+srv://",
    "redis://",
    "rediss://",
    "amqp://",
    "amqps://",
    "mssql://",
    "mssql+",
    "sqlserver://",
    "cockroachdb://",
    "clickhouse://",
    "couchdb://",
    "neo4j://",
    "neo4j+s://",
    "oracle://",
    "oracle+",
    "snowflake://",
)
MAX_HEADER = 2048  # a JWT header is a few dozen characters; longer is not one
URL_PASSWORD = re.compile(r"%\(|%s|^\*+$|^[.]+$")
MIN_URL_PASSWORD = 4
DOCUMENTATION_HOST = re.compile(r"(?:^|\.)example(?:\.(?:com|org|net))?$|\.(?:test|invalid)$")


def jwt_header(secret: str) -> dict[str, object] | None:
    """The decoded JSON header of a JWT, or None when it is not one."""
    part = secret.split(".", 1)[0]
    if len(part) > MAX_HEADER:
        return None
    try:
        header = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        return None
    return header if isinstance(header, dict) and "alg" in header else None


def signed_jwt(secret: str) -> bool:
    header = jwt_header(secret)
    return header is not None and str(header["alg"]).lower() != "none"


def unsigned_jwt(secret: str) -> bool:
    header = jwt_header(secret)
    return header is not None and str(header["alg"]).lower() == "none"


def url_password(candidate: Candidate) -> bool:
    """A password in a URL that is not a stand-in, a reference or the user name again."""
    password = candidate.secret
    user, host = candidate.match.group("user"), candidate.match.group("host").lower()
    if len(password) < MIN_URL_PASSWORD or password == user or forged(password):
        return False
    if URL_PASSWORD.search(password) or DOCUMENTATION_HOST.search(host):
        return False
    return not is_template(password) and not is_weak_placeholder(password)


DETECTORS = (
    Detector(
        id="jwt",
        title="JSON Web Token",
        severity=Severity.MEDIUM,
        keywords=("eyj",),
        pattern=token(JWT_CORE + r"[A-Za-z0-9_\-]{16,}"),
        remediation="Invalidate the token (rotate the signing key if it may sign more) and keep "
        "tokens out of source: they are bearer credentials until they expire.",
        references=("https://www.rfc-editor.org/rfc/rfc7519",),
        equivalents=(
            ("gitleaks", "jwt"),
            ("trivy", "jwt-token"),
            ("detect-secrets", "JwtTokenDetector"),
        ),
        validate=signed_jwt,
        confidence="medium",
    ),
    Detector(
        id="jwt-unsigned",
        title="Unsigned JSON Web Token (alg none)",
        severity=Severity.LOW,
        keywords=("eyj",),
        pattern=re.compile(rf"(?<![A-Za-z0-9_+/\-])(?P<secret>{JWT_CORE})(?![A-Za-z0-9_\-.])"),
        remediation="An unsigned token proves nothing, but its claims may be sensitive and a "
        "service that accepts alg none is vulnerable: remove it and check the consumer.",
        references=("https://www.rfc-editor.org/rfc/rfc7519#section-6",),
        equivalents=(("trivy", "jwt-token"), ("detect-secrets", "JwtTokenDetector")),
        validate=unsigned_jwt,
        confidence="medium",
    ),
    Detector(
        id="database-url-password",
        title="Database connection URL with a password",
        severity=Severity.HIGH,
        keywords=DATABASE_KEYWORDS,
        pattern=re.compile(rf"(?i:{DATABASE_SCHEMES})://{USERINFO}"),
        remediation="Change the database user's password, and pass the URL (or the password "
        "alone) from the environment or a secret store instead of the repository.",
        references=(
            "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS",
        ),
        check=url_password,
        confidence="medium",
        requires=("@",),
    ),
    Detector(
        id="basic-auth-url",
        title="URL with embedded credentials",
        severity=Severity.MEDIUM,
        keywords=("://",),
        pattern=re.compile(rf"(?<![\w.\-])(?i:{WEB_SCHEMES})://{USERINFO}"),
        remediation="Change the password or revoke the token in the URL, and pass credentials "
        "through a credential helper or environment variables instead.",
        references=("https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",),
        equivalents=(("detect-secrets", "BasicAuthDetector"),),
        check=url_password,
        confidence="medium",
        requires=("@",),
    ),
)
