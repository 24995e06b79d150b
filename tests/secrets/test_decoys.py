"""Values that look like secrets and are not: nothing may fire on them."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest

from garrison.secrets import decoys
from garrison.secrets.detect import find_secrets
from tests.secrets.tokens import B64, BASE32, crc_token, pick

DECOYS = Path(__file__).resolve().parents[1] / "data" / "secrets" / "decoys"
AWS_EXAMPLE_ID = "AKIA" + "IOSFODNN7" + "EXAMPLE"
AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"


@pytest.mark.parametrize("name", sorted(path.name for path in DECOYS.iterdir()))
def test_decoy_fixture_files_have_no_secrets(name: str) -> None:
    path = DECOYS / name
    assert find_secrets(path.read_text(), name) == []


def test_aws_documented_example_keys_do_not_fire() -> None:
    text = (
        f"[default]\naws_access_key_id = {AWS_EXAMPLE_ID}\n"
        f"aws_secret_access_key = {AWS_EXAMPLE_SECRET}\n"
    )
    assert find_secrets(text, ".aws/credentials") == []


@pytest.mark.parametrize(
    "value",
    [
        "ghp_EXAMPLE" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5",
        "AKIA" + "SAMPLE" + "Q7Q7Q7Q7Q7",
        "sk_live_" + "dummy" + "4eC39HqLyjWDarjtT1zdp7dc",
        "xoxb-" + "1234567890-1234567890-" + "placeholderplaceholder12",
        "glpat-" + "xxxxxxxxxxxxxxxxxxxx",
        "SG." + "your_" + "sendgrid_key_here_padding.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
        "<" + "github-token" + ">",
        "npm_" + "REDACTED" + "Q7" * 14,
    ],
)
def test_values_marked_as_examples_do_not_fire(value: str) -> None:
    assert find_secrets(f'TOKEN_VALUE = "{value}"\n', "settings.py") == []


def test_github_tokens_with_a_wrong_checksum_do_not_fire_anywhere() -> None:
    forged = crc_token(random.Random(1), "ghp_", valid=False)
    text = (
        f'GITHUB_TOKEN={forged}\nurl = "https://x-access-token:{forged}@github.com/o/r"\n'
        f'token = "{forged}"\n'
    )
    assert find_secrets(text, ".env") == []


@pytest.mark.parametrize(
    "line",
    [
        'password = "${DB_PASSWORD}"',
        'password: "{{ .Values.db.password }}"',
        'password = "%(db_password)s"',
        "password=$DB_PASSWORD",
        'password = os.environ["DB_PASSWORD"]',
        "const token = process.env.API_TOKEN;",
        'password = getenv("DB_PASSWORD")',
        'api_key = ENV["API_KEY"]',
        "token: ${{ secrets.GITHUB_TOKEN }}",
        'password = ""',
        "password = None",
        "password=os.getenv('DB_PASSWORD', '')",
    ],
)
def test_templates_references_and_empty_values_do_not_fire(line: str) -> None:
    assert find_secrets(line + "\n", "settings.py") == []
    assert find_secrets(line + "\n", "config.yaml") == []


@pytest.mark.parametrize(
    "line",
    [
        "checksum_token = 9e107d9d372bb6826bd81d3542a419d6",
        'token_sha1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"',
        "secret_digest: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        'api_key_commit = "9fceb02d0ae598e95dc970b74767f19372d61af8"',
        'session_token = "0f8fad5b-d9cb-469f-a165-70867728950e"',
        'password = "$2b$12$KIXQJ1y6x7Jx5a0lM9nSWe4yZ8o3fGqv0y0l7b1V1xQ2u9m8rW6bO"',
    ],
)
def test_hashes_uuids_and_commit_ids_do_not_fire(line: str) -> None:
    assert find_secrets(line + "\n", "config.ini") == []


def test_a_provider_shape_inside_base64_data_does_not_fire() -> None:
    rng = random.Random(3)
    blob = pick(rng, B64, 300) + "AKIA" + pick(rng, BASE32, 16) + pick(rng, B64, 300)
    text = f'<img src="data:image/png;base64,{blob}">\n'
    assert find_secrets(text, "index.html") == []


def test_lockfile_names_are_known() -> None:
    assert decoys.is_lockfile("web/package-lock.json")
    assert decoys.is_lockfile("go.sum")
    assert not decoys.is_lockfile("package.json")


@pytest.mark.parametrize(
    ("value", "context", "expected"),
    [
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256", True),
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "api_key", False),
        ("sha512-" + base64.b64encode(bytes(64)).decode(), "", True),
        ("h1:" + base64.b64encode(bytes(32)).decode(), "", True),
    ],
)
def test_is_hash(value: str, context: str, expected: bool) -> None:
    assert decoys.is_hash(value, context) is expected


def test_placeholder_markers() -> None:
    assert decoys.is_placeholder("my_EXAMPLE_key")
    assert decoys.is_placeholder("aaaaaaaaaaaa")
    assert not decoys.is_placeholder(pick(random.Random(5), B64, 40))
    assert decoys.is_weak_placeholder("changeme")
    assert decoys.is_weak_placeholder("Password123")


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (
            "main.tf",
            "cluster_master_auth = concat(google_container_cluster.primary.*.master_auth, [])",
        ),
        ("main.tf", "password = random_password.db.result"),
        ("values.yaml", "token: settings.API_TOKEN"),
        ("rsa.py", 'def sign(private_key: "_RSAPrivateKey", data: bytes) -> bytes: ...'),
        ("url.md", "const options = new URL('https://abc:xyz@example.com');"),
        ("docs.md", "pip install --index-url https://user:p4ss@pypi.example.org/simple pkg"),
        ("oauth.py", '{"access_token": "2YotnFZFEjr1zCsicMWpAA", "token_type": "example"}'),
        ("fmt.py", "text = f\"password = '{conn_str}'\""),
        ("docs.py", 'EXAMPLE_API_TOKEN = "Xk9mQ2vL8pRzT4wY7nB3"'),
    ],
)
def test_code_references_and_documentation_values_do_not_fire(path: str, line: str) -> None:
    assert find_secrets(line + "\n", path) == []


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # A check's unit test: YAML flow style closes the list and mapping after the value.
        (
            "checks/compose.yaml",
            "  resource: {image: 'nginx:1.27', environment: [API_TOKEN=abc123]}",
        ),
        ("checks/kubernetes.yaml", "  resource: {kind: Secret, data: {password: aHVudGVyMg==}}"),
        ("checks/aws.yaml", "  resource: {customer_master_key_spec: RSA_2048}"),
        # A structure under a secret-sounding key is not a value.
        (
            "checks/gcp.yaml",
            "  resource: {master_auth: [{client_certificate_config: [{x: true}]}]}",
        ),
        ("checks/gcp.yaml", "  resource: {name: d, disk_encryption_key: [{kms_key_self_link: k}]}"),
        ("deploy.yaml", "access_key: {rotation: 90d, owner: platform}"),
        # A token prefix alone, a value marked invalid, famous and leetspeak stand-ins.
        ("test_prefilter.py", "GITHUB_TOKEN = 'github_pat_'"),
        ("test_prefilter.py", 'ANTHROPIC_API_KEY = "sk-ant-api03-"'),
        ("test_auth.py", 'env = {"auths": {"x.example": {"auth": "!!!not-base64"}}}'),
        ("test_auth.py", 'auth = "~~not-base64~~"'),
        ("test_fingerprint.py", 'secret_a, secret_b = "Tr0ub4dor" + "&3x" * 3, "x"'),
        ("test_common.py", 'assert redact("https://user:s3cr3t@github.com/a/b.git#x") == ""'),
        ("test_common.py", 'clone("https://deploy:p4ssw0rd@git.internal.corp/a/b.git")'),
    ],
)
def test_test_fixture_structures_prefixes_and_stand_ins_do_not_fire(path: str, line: str) -> None:
    assert find_secrets(line + "\n", path) == []
