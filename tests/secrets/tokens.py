"""Real-format credentials built at run time from a seed (none is stored in the repository).

`TOKENS[detector_id](rng)` returns a fresh secret in that detector's format (with a valid
checksum where the format has one; PEM keys are random bytes in a real PEM frame). Every
value is random, so none is a live credential; the formats are the providers' published
ones. `tests/secrets/cases.py` puts them into typical files.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
import zlib
from collections.abc import Callable
from urllib.parse import quote

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits
BASE32 = string.ascii_uppercase + "234567"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
GMP62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def pick(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def b64(rng: random.Random, size: int) -> str:
    """Standard base64 of `size` random bytes."""
    return base64.b64encode(rng.randbytes(size)).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def crc_token(rng: random.Random, prefix: str, valid: bool = True) -> str:
    """A GitHub/npm-style token: prefix, 30 random base62, CRC32 of those in base62 (6)."""
    random_part = pick(rng, ALNUM, 30)
    number = zlib.crc32(random_part.encode())
    digits = ""
    while number:
        number, digit = divmod(number, 62)
        digits = GMP62[digit] + digits
    checksum = digits.rjust(6, "0")
    if not valid:
        checksum = checksum[:-1] + ("A" if checksum[-1] != "A" else "B")
    return prefix + random_part + checksum


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(bytes=rng.randbytes(16), version=4))


def pem_block(
    rng: random.Random, label: str, size: int = 1190, head: bytes = b"0\x82\x04\xa4"
) -> str:
    """A PEM frame around random bytes (DER-like start), wrapped at 64 columns."""
    body = base64.b64encode(head + rng.randbytes(size)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def openssh_key(rng: random.Random) -> str:
    return pem_block(rng, "OPENSSH PRIVATE KEY", 380, b"openssh-key-v1\x00")


def pgp_key(rng: random.Random) -> str:
    body = base64.b64encode(b"\x95\x03\xc6\x04" + rng.randbytes(900)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
        + "\n".join(lines)
        + "\n="
        + pick(rng, B64, 4)
        + "\n-----END PGP PRIVATE KEY BLOCK-----"
    )


def putty_key(rng: random.Random) -> str:
    public = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519" + rng.randbytes(36)).decode()
    private = base64.b64encode(rng.randbytes(36)).decode()
    return (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build\n"
        f"Public-Lines: 2\n{public[:64]}\n{public[64:]}\nPrivate-Lines: 1\n{private}\n"
    ) + f"Private-MAC: {pick(rng, HEX, 64)}"


def jwt(rng: random.Random, alg: str = "HS256") -> str:
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = {"sub": uid(rng), "iat": 1700000000 + rng.randint(0, 10**7), "scope": "orders"}
    payload = b64url(json.dumps(claims).encode())
    signature = "" if alg == "none" else b64url(rng.randbytes(32))
    return f"{header}.{payload}.{signature}"


def discord_bot(rng: random.Random) -> str:
    user_id = str(rng.randint(10**18, 2 * 10**18))
    head = base64.b64encode(user_id.encode()).decode().rstrip("=")
    return f"{head}.{pick(rng, URLSAFE, 6)}.{pick(rng, URLSAFE, 38)}"


def password(rng: random.Random, size: int = 20) -> str:
    """A generated password: letters, digits and a few symbols, each class present."""
    core = pick(rng, ALNUM + "!#%^*+=", size - 3)
    return core + rng.choice(string.ascii_uppercase) + rng.choice(string.digits) + "#"


Builder = Callable[[random.Random], str]

TOKENS: dict[str, Builder] = {
    "aws-access-key-id": lambda r: "AKIA" + pick(r, BASE32, 16),
    "aws-secret-access-key": lambda r: pick(r, ALNUM + "/+", 40),
    "aws-session-token": lambda r: "IQoJb3JpZ2luX2Vj" + pick(r, B64, 300),
    "gcp-api-key": lambda r: "AIza" + pick(r, URLSAFE, 35),
    "gcp-oauth-client-secret": lambda r: "GOCSPX-" + pick(r, URLSAFE, 28),
    "azure-storage-account-key": lambda r: b64(r, 64),
    "azure-shared-access-key": lambda r: b64(r, 32),
    "azure-sas-token": lambda r: quote(b64(r, 32), safe=""),
    "azure-ad-client-secret": lambda r: (
        pick(r, ALNUM, 3) + str(r.randint(0, 9)) + "Q~" + pick(r, ALNUM + "_~", 34)
    ),
    "github-pat-classic": lambda r: crc_token(r, "ghp_"),
    "github-oauth-token": lambda r: crc_token(r, "gho_"),
    "github-app-user-token": lambda r: crc_token(r, "ghu_"),
    "github-app-installation-token": lambda r: crc_token(r, "ghs_"),
    "github-refresh-token": lambda r: crc_token(r, "ghr_"),
    "github-pat-fine-grained": lambda r: f"github_pat_{pick(r, ALNUM, 22)}_{pick(r, ALNUM, 59)}",
    "gitlab-pat": lambda r: "glpat-" + pick(r, ALNUM, 20),
    "gitlab-deploy-token": lambda r: "gldt-" + pick(r, ALNUM, 20),
    "gitlab-runner-token": lambda r: "glrt-" + pick(r, ALNUM, 20),
    "gitlab-runner-registration-token": lambda r: "GR1348941" + pick(r, ALNUM, 20),
    "gitlab-trigger-token": lambda r: "glptt-" + pick(r, HEX, 40),
    "gitlab-feed-token": lambda r: "glft-" + pick(r, ALNUM, 20),
    "gitlab-oauth-app-secret": lambda r: "gloas-" + pick(r, ALNUM, 64),
    "gitlab-job-token": lambda r: "glcbt-" + pick(r, ALNUM, 24),
    "gitlab-scim-token": lambda r: "glsoat-" + pick(r, ALNUM, 20),
    "bitbucket-app-password": lambda r: "ATBB" + pick(r, ALNUM, 32),
    "slack-bot-token": lambda r: (
        f"xoxb-{pick(r, string.digits, 11)}-{pick(r, string.digits, 12)}-{pick(r, ALNUM, 24)}"
    ),
    "slack-user-token": lambda r: (
        f"xoxp-{pick(r, string.digits, 11)}-"
        f"{pick(r, string.digits, 11)}-{pick(r, string.digits, 12)}-{pick(r, HEX, 32)}"
    ),
    "slack-app-token": lambda r: (
        f"xapp-1-{pick(r, UPPER_DIGITS, 11)}-{pick(r, string.digits, 13)}-{pick(r, HEX, 64)}"
    ),
    "slack-other-token": lambda r: f"xoxe-1-{pick(r, ALNUM, 140)}",
    "slack-webhook-url": lambda r: pick(r, ALNUM, 24),
    "discord-bot-token": discord_bot,
    "discord-webhook-url": lambda r: pick(r, URLSAFE, 68),
    "telegram-bot-token": lambda r: f"{r.randint(10**9, 7 * 10**9)}:AA{pick(r, URLSAFE, 33)}",
    "teams-webhook-url": lambda r: pick(r, HEX, 32),
    "stripe-secret-key": lambda r: "sk_live_" + pick(r, ALNUM, 99),
    "stripe-restricted-key": lambda r: "rk_live_" + pick(r, ALNUM, 99),
    "stripe-test-key": lambda r: "sk_test_" + pick(r, ALNUM, 99),
    "stripe-webhook-secret": lambda r: "whsec_" + pick(r, ALNUM, 32),
    "square-access-token": lambda r: "EAAA" + pick(r, URLSAFE, 60),
    "square-oauth-secret": lambda r: "sq0csp-" + pick(r, URLSAFE, 43),
    "braintree-access-token": lambda r: (
        "access_token$production$"
        + pick(r, string.ascii_lowercase + string.digits, 16)
        + "$"
        + pick(r, HEX, 32)
    ),
    "twilio-api-key": lambda r: "SK" + pick(r, HEX, 32),
    "twilio-auth-token": lambda r: pick(r, HEX, 32),
    "sendgrid-api-key": lambda r: f"SG.{pick(r, URLSAFE, 22)}.{pick(r, URLSAFE, 43)}",
    "mailgun-api-key": lambda r: "key-" + pick(r, HEX, 32),
    "mailchimp-api-key": lambda r: pick(r, HEX, 32) + f"-us{r.randint(1, 21)}",
    "npm-access-token": lambda r: crc_token(r, "npm_"),
    "npmrc-auth-token": lambda r: b64(r, 30),
    "pypi-upload-token": lambda r: "pypi-AgEIcHlwaS5vcmc" + pick(r, URLSAFE, 150),
    "docker-config-auth": lambda r: base64.b64encode(
        f"deploy:{pick(r, ALNUM, 24)}".encode()
    ).decode(),
    "rubygems-api-key": lambda r: "rubygems_" + pick(r, HEX, 48),
    "nuget-api-key": lambda r: "oy2" + pick(r, string.ascii_lowercase + string.digits, 43),
    "dockerhub-pat": lambda r: "dckr_pat_" + pick(r, ALNUM, 27),
    "jfrog-reference-token": lambda r: "cmVmdGtuOjAxOj" + pick(r, ALNUM, 50),
    "heroku-api-key": lambda r: "HRKU-AA" + pick(r, URLSAFE, 58),
    "heroku-api-key-legacy": uid,
    "datadog-api-key": lambda r: pick(r, HEX, 32),
    "datadog-app-key": lambda r: pick(r, HEX, 40),
    "shopify-access-token": lambda r: "shpat_" + pick(r, HEX, 32),
    "shopify-custom-app-token": lambda r: "shpca_" + pick(r, HEX, 32),
    "shopify-private-app-token": lambda r: "shppa_" + pick(r, HEX, 32),
    "shopify-shared-secret": lambda r: "shpss_" + pick(r, HEX, 32),
    "newrelic-user-api-key": lambda r: "NRAK-" + pick(r, UPPER_DIGITS, 27),
    "newrelic-insert-key": lambda r: "NRII-" + pick(r, URLSAFE, 32),
    "newrelic-license-key": lambda r: pick(r, HEX, 36) + "NRAL",
    "sentry-auth-token": lambda r: "sntryu_" + pick(r, HEX, 64),
    "openai-api-key": lambda r: (
        "sk-proj-" + pick(r, URLSAFE, 74) + "T3BlbkFJ" + pick(r, URLSAFE, 74)
    ),
    "anthropic-api-key": lambda r: "sk-ant-api03-" + pick(r, URLSAFE, 93) + "AA",
    "terraform-cloud-token": lambda r: pick(r, ALNUM, 14) + ".atlasv1." + pick(r, ALNUM, 67),
    "vault-token": lambda r: "hvs." + pick(r, URLSAFE, 90),
    "doppler-token": lambda r: "dp.pt." + pick(r, ALNUM, 43),
    "linear-api-key": lambda r: "lin_api_" + pick(r, ALNUM, 40),
    "atlassian-api-token": lambda r: "ATATT3xFfGF0" + pick(r, URLSAFE, 180),
    "digitalocean-token": lambda r: "dop_v1_" + pick(r, HEX, 64),
    "postman-api-key": lambda r: f"PMAK-{pick(r, HEX, 24)}-{pick(r, HEX, 34)}",
    "grafana-cloud-token": lambda r: "glc_eyJ" + pick(r, ALNUM, 120) + "=",
    "grafana-service-account-token": lambda r: f"glsa_{pick(r, ALNUM, 32)}_{pick(r, HEX, 8)}",
    "pulumi-access-token": lambda r: "pul-" + pick(r, HEX, 40),
    "databricks-token": lambda r: "dapi" + pick(r, HEX, 32),
    "huggingface-token": lambda r: "hf_" + pick(r, string.ascii_letters, 34),
    "mapbox-secret-token": lambda r: (
        "sk.eyJ1IjoiY" + pick(r, ALNUM, 50) + "." + pick(r, URLSAFE, 22)
    ),
    "planetscale-token": lambda r: "pscale_tkn_" + pick(r, URLSAFE, 43),
    "supabase-access-token": lambda r: "sbp_" + pick(r, HEX, 40),
    "rsa-private-key": lambda r: pem_block(r, "RSA PRIVATE KEY"),
    "ec-private-key": lambda r: pem_block(r, "EC PRIVATE KEY", 117, b"0w\x02\x01"),
    "dsa-private-key": lambda r: pem_block(r, "DSA PRIVATE KEY", 440, b"0\x82\x01\xbb"),
    "pkcs8-private-key": lambda r: pem_block(r, "PRIVATE KEY", 1214, b"0\x82\x04\xbe"),
    "encrypted-private-key": lambda r: pem_block(
        r, "ENCRYPTED PRIVATE KEY", 1290, b"0\x82\x05\x1e"
    ),
    "openssh-private-key": openssh_key,
    "pgp-private-key": pgp_key,
    "putty-private-key": putty_key,
    "age-secret-key": lambda r: "AGE-SECRET-KEY-1" + pick(r, BECH32, 58),
    "jwt": jwt,
    "jwt-unsigned": lambda r: jwt(r, "none"),
    "database-url-password": lambda r: pick(r, ALNUM, 22),
    "basic-auth-url": lambda r: pick(r, ALNUM, 24),
    "generic-secret": password,
}


def sa_json(rng: random.Random) -> tuple[str, str]:
    """A Google service-account key file and its private key (with \\n escapes)."""
    key = pem_block(rng, "PRIVATE KEY", 1214, b"0\x82\x04\xbe") + "\n"
    document = {
        "type": "service_account",
        "project_id": "orders-prod",
        "private_key_id": pick(rng, HEX, 40),
        "private_key": key,
        "client_email": "deployer@orders-prod.iam.gserviceaccount.com",
        "client_id": pick(rng, string.digits, 21),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(document, indent=2), json.dumps(key)[1:-1]
