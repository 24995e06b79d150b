"""Cloud provider credentials: AWS, Google Cloud, Azure."""

from __future__ import annotations

import re

from garrison.model import Severity
from garrison.secrets.detectors.base import (
    ASSIGN,
    LEFT,
    Candidate,
    Detector,
    assigned,
    normalised,
    rotate,
    token,
)
from garrison.secrets.detectors.keys import pem_body_ok

AWS_IDS = ("akia", "asia", "abia", "acca")
AWS_SECRET_NAMES = ("secretaccesskey", "awssecret", "awssecretkey")
AZURE_WORDS = ("azure", "client_secret", "clientsecret", "tenant", "msal", "entra", "aad")
SAS_VERSION = re.compile(r"[?&;]sv=\d{4}-\d\d-\d\d")


def aws_secret_in_context(candidate: Candidate) -> bool:
    """Named as AWS's (aws_secret_access_key, SecretAccessKey) or next to an access key id."""
    name = normalised(candidate.match.group("name"))
    if any(word in name for word in AWS_SECRET_NAMES):
        return True
    return candidate.near(AWS_IDS, 3)


def service_account(candidate: Candidate) -> bool:
    """A `"private_key"` of a Google service-account key file (with a real key body)."""
    return pem_body_ok(candidate.secret)


def sas_token(candidate: Candidate) -> bool:
    """A `sig=` beside an `sv=` service version, as in every Azure SAS URL or token."""
    return SAS_VERSION.search(candidate.match.string) is not None


def azure_context(candidate: Candidate) -> bool:
    return any(candidate.file.contains(word) for word in AZURE_WORDS)


DETECTORS = (
    Detector(
        id="aws-access-key-id",
        title="AWS access key id",
        severity=Severity.HIGH,
        keywords=AWS_IDS,
        pattern=token(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"),
        remediation=rotate("the AWS IAM console (deactivate, then delete the access key)"),
        references=(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        ),
        equivalents=(
            ("gitleaks", "aws-access-token"),
            ("trivy", "aws-access-key-id"),
            ("detect-secrets", "AWSKeyDetector"),
        ),
    ),
    Detector(
        id="aws-secret-access-key",
        title="AWS secret access key",
        severity=Severity.CRITICAL,
        keywords=("secret",),
        pattern=assigned(r"[\w.\-]*secret[\w.\-]*", r"[A-Za-z0-9/+]{40}"),
        remediation=rotate("the AWS IAM console (deactivate, then delete the access key)"),
        references=(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        ),
        equivalents=(("trivy", "aws-secret-access-key"), ("detect-secrets", "AWSKeyDetector")),
        min_entropy=4.0,
        check=aws_secret_in_context,
    ),
    Detector(
        id="aws-session-token",
        title="AWS temporary session token",
        severity=Severity.HIGH,
        keywords=("fwogzxivyxdz", "fqogzxivyxdz", "iqojb3jpz2lux2vj"),
        pattern=token(r"(?:FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2luX2Vj)[A-Za-z0-9/+]{100,}={0,2}"),
        remediation=rotate("AWS (revoke the role's active sessions)"),
        references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html",),
    ),
    Detector(
        id="gcp-api-key",
        title="Google API key",
        severity=Severity.HIGH,
        keywords=("aiza",),
        pattern=token(r"AIza[0-9A-Za-z_\-]{35}"),
        remediation=rotate("the Google Cloud console (APIs & Services → Credentials)")
        + " Restrict keys to the APIs and referrers that need them.",
        references=("https://cloud.google.com/docs/authentication/api-keys",),
        equivalents=(("gitleaks", "gcp-api-key"), ("trivy", "gcp-api-key")),
    ),
    Detector(
        id="gcp-service-account",
        title="Google Cloud service account key",
        severity=Severity.CRITICAL,
        keywords=("service_account",),
        pattern=re.compile(
            r"\"private_key\"\s*:\s*\"(?P<secret>-----BEGIN [A-Z ]*PRIVATE KEY-----"
            r"[^\"]{20,}?-----END [A-Z ]*PRIVATE KEY-----(?:\\n)?)\""
        ),
        remediation=rotate("the Google Cloud console (IAM → Service accounts → Keys)")
        + " Prefer workload identity over key files.",
        references=("https://cloud.google.com/iam/docs/keys-create-delete",),
        equivalents=(("trivy", "private-key"),),
        check=service_account,
        scope="file",
    ),
    Detector(
        id="gcp-oauth-client-secret",
        title="Google OAuth client secret",
        severity=Severity.HIGH,
        keywords=("gocspx-",),
        pattern=token(r"GOCSPX-[A-Za-z0-9_\-]{28}"),
        remediation=rotate("the Google Cloud console (APIs & Services → Credentials)"),
        references=("https://support.google.com/cloud/answer/6158849",),
    ),
    Detector(
        id="azure-storage-account-key",
        title="Azure storage account key",
        severity=Severity.CRITICAL,
        keywords=("accountkey",),
        pattern=re.compile(rf"(?i:AccountKey){ASSIGN}[\"']?(?P<secret>[A-Za-z0-9+/]{{86}}==)"),
        remediation=rotate("the Azure portal (storage account → Access keys → Rotate key)")
        + " Prefer Entra ID authentication or short-lived SAS tokens.",
        references=(
            "https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage",
        ),
        equivalents=(
            ("gitleaks", "azure-storage-account-key"),
            ("trivy", "azure-storage-account-key"),
            ("detect-secrets", "AzureStorageKeyDetector"),
        ),
    ),
    Detector(
        id="azure-shared-access-key",
        title="Azure Service Bus / Event Hubs / IoT shared access key",
        severity=Severity.HIGH,
        keywords=("sharedaccesskey=",),
        pattern=re.compile(r"SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{42,44}=)"),
        remediation=rotate("the Azure portal (Shared access policies → Regenerate)"),
        references=("https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas",),
    ),
    Detector(
        id="azure-sas-token",
        title="Azure shared access signature",
        severity=Severity.HIGH,
        keywords=("sig=",),
        pattern=re.compile(r"[?&;]sig=(?P<secret>[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})"),
        remediation="Revoke the signature (rotate the account key or delete the stored access "
        "policy it uses) and issue short-lived SAS tokens at run time.",
        references=("https://learn.microsoft.com/azure/storage/common/storage-sas-overview",),
        equivalents=(("trivy", "azure-sas-token"),),
        check=sas_token,
    ),
    Detector(
        id="azure-ad-client-secret",
        title="Microsoft Entra ID (Azure AD) client secret",
        severity=Severity.HIGH,
        keywords=("q~",),
        pattern=re.compile(
            rf"{LEFT}(?P<secret>[A-Za-z0-9_~.]{{3}}\dQ~[A-Za-z0-9_~.\-]{{31,34}})"
            r"(?![A-Za-z0-9_~.\-])"
        ),
        remediation=rotate("the Azure portal (App registrations → Certificates & secrets)")
        + " Prefer certificates or managed identities.",
        references=("https://learn.microsoft.com/entra/identity-platform/quickstart-register-app",),
        equivalents=(("gitleaks", "azure-ad-client-secret"),),
        check=azure_context,
    ),
)
