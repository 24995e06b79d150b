"""Private keys: PEM (RSA, EC, DSA, PKCS#8, encrypted PKCS#8), OpenSSH, PGP, PuTTY, age.

A PEM frame alone is not a key: the body must be a real base64 body (long enough, random
enough, no placeholder), so `-----BEGIN PRIVATE KEY-----\n...\n-----END...` in a README does
not fire. Bodies may sit in a file as lines, or inside a string with `\\n` escapes.
"""

from __future__ import annotations

import re

from garrison.model import Severity
from garrison.secrets.decoys import is_placeholder
from garrison.secrets.detectors.base import Candidate, Detector, token
from garrison.secrets.entropy import shannon

HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: .*$", re.MULTILINE)
ESCAPES = re.compile(r"\\[nrt]")
NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")
ARMOUR = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]+-----")
MIN_BODY = 60  # a PKCS#8 Ed25519 key is 64 base64 characters
MIN_BODY_ENTROPY = 4.5  # random base64 is close to 6 bits per character
MIN_PUTTY_BODY = 40  # an Ed25519 PuTTY private blob is 48 base64 characters
MIN_PUTTY_ENTROPY = 4.0

REMEDIATION = (
    "Treat the key as compromised: revoke or replace it wherever it is trusted (servers' "
    "authorized_keys, certificates, deploy keys, signing setups), generate a new key pair, keep "
    "the private key out of the repository (a secret store or CI secret), and remove it from "
    "the git history."
)


def key_body(block: str) -> str:
    """The base64 characters of a key block, without armour lines, headers and escapes."""
    text = ESCAPES.sub("\n", ARMOUR.sub("", block))
    text = HEADER_LINE.sub("", text)
    return NOT_BASE64.sub("", text)


def pem_body_ok(block: str) -> bool:
    """Whether a key block holds a real-looking body rather than an empty or fake one."""
    if is_placeholder(block):
        return False
    body = key_body(block)
    return len(body) >= MIN_BODY and shannon(body) >= MIN_BODY_ENTROPY


def real_body(candidate: Candidate) -> bool:
    return pem_body_ok(candidate.secret)


def putty_private_ok(candidate: Candidate) -> bool:
    """The Private-Lines of a PuTTY key hold a real-looking body (its public lines may be real
    in a placeholder file)."""
    private = candidate.secret.partition("Private-Lines:")[2].partition("\n")[2]
    body = NOT_BASE64.sub("", private.partition("Private-MAC:")[0])
    return len(body) >= MIN_PUTTY_BODY and shannon(body) >= MIN_PUTTY_ENTROPY


def pem(label: str) -> re.Pattern[str]:
    """A PEM block with this label, from BEGIN to the matching END line."""
    return re.compile(
        rf"(?P<secret>-----BEGIN {label}-----(?:(?!-----).){{20,40000}}?-----END {label}-----)",
        re.DOTALL,
    )


def pem_detector(slug: str, label: str, title: str, severity: Severity = Severity.HIGH) -> Detector:
    return Detector(
        id=slug,
        title=title,
        severity=severity,
        keywords=("private key-----", "private key block-----"),
        pattern=pem(label),
        remediation=REMEDIATION,
        references=("https://www.rfc-editor.org/rfc/rfc7468",),
        equivalents=(
            ("gitleaks", "private-key"),
            ("trivy", "private-key"),
            ("detect-secrets", "PrivateKeyDetector"),
        ),
        check=real_body,
        scope="file",
    )


DETECTORS = (
    pem_detector("rsa-private-key", "RSA PRIVATE KEY", "RSA private key (PKCS#1 PEM)"),
    pem_detector("ec-private-key", "EC PRIVATE KEY", "EC private key (SEC 1 PEM)"),
    pem_detector("dsa-private-key", "DSA PRIVATE KEY", "DSA private key (PEM)"),
    pem_detector("pkcs8-private-key", "PRIVATE KEY", "Private key (PKCS#8 PEM)"),
    pem_detector(
        "encrypted-private-key",
        "ENCRYPTED PRIVATE KEY",
        "Encrypted private key (PKCS#8 PEM)",
        Severity.MEDIUM,
    ),
    pem_detector("openssh-private-key", "OPENSSH PRIVATE KEY", "OpenSSH private key"),
    pem_detector("pgp-private-key", "PGP PRIVATE KEY BLOCK", "PGP private key block"),
    Detector(
        id="putty-private-key",
        title="PuTTY private key",
        severity=Severity.HIGH,
        keywords=("putty-user-key-file-",),
        pattern=re.compile(
            r"(?P<secret>PuTTY-User-Key-File-[23]: [^\r\n]+\r?\n(?:[^\r\n]*\r?\n){0,40}?"
            r"Private-Lines: \d+\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+Private-MAC: [0-9a-f]+)"
        ),
        remediation=REMEDIATION,
        references=("https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html",),
        check=putty_private_ok,
        scope="file",
    ),
    Detector(
        id="age-secret-key",
        title="age encryption secret key",
        severity=Severity.HIGH,
        keywords=("age-secret-key-1",),
        pattern=token(r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
        remediation="Generate a new age identity, re-encrypt what the old one protects, and "
        "keep the identity file out of the repository.",
        references=("https://age-encryption.org/v1",),
        equivalents=(("gitleaks", "age-secret-key"), ("trivy", "age-secret-key")),
    ),
)
