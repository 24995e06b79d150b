"""find_secrets: positions, multi-line keys, long lines, precedence, inline ignores."""

from __future__ import annotations

import pytest

from garrison.secrets.detect import SecretHit, find_secrets
from tests.secrets.cases import case

GHP = case("github-pat-classic").secret
STRIPE = case("stripe-secret-key").secret


def places(hits: list[SecretHit]) -> list[tuple[str, int, int, int]]:
    return [(h.detector.id, h.line, h.column, h.end_line) for h in hits]


def test_empty_and_plain_text_have_no_hits() -> None:
    assert find_secrets("") == []
    assert find_secrets("def main() -> None:\n    pass\n", "main.py") == []


def test_hits_come_in_file_order_with_lines_and_columns() -> None:
    text = f"a = 1\nSTRIPE = '{STRIPE}'\n\n  GH = '{GHP}'\n"
    assert places(find_secrets(text, "x.py")) == [
        ("stripe-secret-key", 2, 11, 2),
        ("github-pat-classic", 4, 9, 4),
    ]


def test_a_pem_key_spans_lines_from_begin_to_end() -> None:
    key = case("rsa-private-key").secret
    text = "# deploy key\n" + key + "\n"
    (hit,) = find_secrets(text, "id_rsa")
    assert (hit.line, hit.column, hit.end_line) == (2, 1, 2 + key.count("\n"))
    assert hit.secret == key


def test_columns_count_characters_not_bytes() -> None:
    text = f"# clé: café ☕\nnote = 'ünïcödé' ; token_gh = '{GHP}'\n"
    (hit,) = find_secrets(text, "x.py")
    assert (hit.line, hit.column) == (2, 32)  # bytes would say 38


def test_a_secret_in_the_middle_of_a_very_long_line() -> None:
    prefix = "var a=" + "x1," * 5000
    text = prefix + f"k='{GHP}';" + "y2," * 5000
    (hit,) = find_secrets(text, "bundle.min.js")
    assert (hit.line, hit.column) == (1, len(prefix) + 4)
    assert len(hit.preview) <= 102


def test_windows_line_endings() -> None:
    text = f"a = 1\r\nb = '{GHP}'\r\n"
    assert places(find_secrets(text, "x.py")) == [("github-pat-classic", 2, 6, 2)]


def test_text_with_undecodable_bytes_escaped() -> None:
    text = b"\xff\xfe junk\nkey = '".decode("utf-8", "surrogateescape") + GHP + "'\n"
    assert places(find_secrets(text, "x.py")) == [("github-pat-classic", 2, 8, 2)]


def test_the_provider_detector_wins_over_a_generic_or_url_match() -> None:
    text = f'GITHUB_TOKEN = "{GHP}"\nremote = "https://bot:{GHP}@github.com/acme/app.git"\n'
    assert places(find_secrets(text, "x.py")) == [
        ("github-pat-classic", 1, 17, 1),
        ("github-pat-classic", 2, 23, 2),
    ]


def test_a_service_account_key_is_reported_once_at_its_private_key() -> None:
    sample = case("gcp-service-account")
    assert places(find_secrets(sample.text, sample.path)) == [("gcp-service-account", 5, 19, 5)]


def test_the_same_secret_twice_is_two_hits() -> None:
    text = f"a = '{GHP}'\nb = '{GHP}'\n"
    assert [h.line for h in find_secrets(text, "x.py")] == [1, 2]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (f"x = '{GHP}'  # garrison:ignore[github-pat-classic] test fixture\n", []),
        (f"x = '{GHP}'  # garrison:ignore\n", []),
        (f"x = '{GHP}'  # garrison:ignore[jwt, github-pat-classic]\n", []),
        (f"x = '{GHP}'  # garrison:ignore[generic-secret]\n", [1]),
        (f"# garrison:ignore[github-pat-classic]: fixture\nx = '{GHP}'\n", []),
        (f"// GARRISON:IGNORE\nx = '{GHP}'\n", []),
        (f"y = 1  # garrison:ignore\nx = '{GHP}'\n", [2]),
        (f"# garrison:ignore\n\nx = '{GHP}'\n", [3]),
    ],
)
def test_inline_ignore(text: str, lines: list[int]) -> None:
    assert [hit.line for hit in find_secrets(text, "x.py")] == lines


def test_ignore_names_the_detector_of_a_multiline_key_at_its_begin_line() -> None:
    key = case("openssh-private-key").secret
    text = "# garrison:ignore[openssh-private-key] throwaway CI key\n" + key + "\n"
    assert find_secrets(text, "id_ed25519") == []


def test_the_secret_is_kept_out_of_the_hit_repr() -> None:
    (hit,) = find_secrets(f"k = '{GHP}'\n", "x.py")
    assert hit.secret == GHP
    assert GHP not in repr(hit)
    assert GHP[4:] not in str(hit)


def test_the_path_gives_context() -> None:
    secret = case("generic-secret", 9).secret
    line = f'"password": "{secret}",\n'
    assert [h.detector.id for h in find_secrets(line, "config.json")] == ["generic-secret"]
    assert find_secrets(line, "package-lock.json") == []


def test_a_dotenv_file_accepts_a_less_random_value() -> None:
    text = "DB_PASSWORD=Qx7Qx7Rm2wQx\n"  # 2.63 bits per character; 2.87 wanted elsewhere
    assert find_secrets(text, "deploy/app.ini") == []
    assert [h.detector.id for h in find_secrets(text, "deploy/.env.production")] == [
        "generic-secret"
    ]


def test_a_long_line_full_of_keywords_keeps_exact_columns() -> None:
    prefix = "password=abc;token=x;" * 2000
    (hit,) = find_secrets(prefix + f"gh='{GHP}'\n", "bundle.min.js")
    assert (hit.detector.id, hit.line, hit.column) == ("github-pat-classic", 1, len(prefix) + 5)
