"""The secret scanner over files: walking, decoding, skipping, parallel runs, and never
a secret in a warning or a report."""

from __future__ import annotations

import codecs
import json
import os
import random
from pathlib import Path

import pytest

from garrison.errors import SecretsError
from garrison.fs import WalkedTree
from garrison.model import Gap, ScanResult, ScanWarning
from garrison.policy import default_gate
from garrison.report import json_report
from garrison.secrets import scanner
from garrison.secrets.scanner import SecretOptions, SecretScanResult, chunked, scan_secrets
from tests.secrets.tokens import TOKENS

AWS = "aws-access-key-id"


def aws_key_id(seed: int) -> str:
    """A real-format AWS access key id, built at run time (never stored in the repository)."""
    return TOKENS[AWS](random.Random(seed))


def places(result: SecretScanResult) -> list[tuple[str, str, int | None, int | None]]:
    return [
        (f.id, f.location.path, f.location.line, f.location.column)
        for f in result.findings
        if f.location is not None
    ]


def assert_no_leak(result: SecretScanResult, *secrets: str) -> None:
    """The secrets appear nowhere: findings, warnings, the JSON report."""
    report = json_report.render(
        ScanResult("t", (), result.findings, result.warnings), default_gate(result.findings)
    )
    for secret in secrets:
        assert secret not in report
        assert secret not in repr(result)
    json.loads(report)


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def test_finds_secrets_with_exact_places_and_respects_gitignore(tmp_path: Path) -> None:
    one, two, three = aws_key_id(1), aws_key_id(2), aws_key_id(3)
    write(tmp_path, {
        "app/settings.py": f"import os\n\nKEY = '{one}'\n",
        "deploy/.env": f"# creds\nAWS_ACCESS_KEY_ID={two}\n",
        "build/out.txt": f"{three}\n",
        "debug.log": f"{three}\n",
        ".gitignore": "build/\n*.log\n",
        ".git/config": f"[x]\n\tkey = {three}\n",
    })  # fmt: skip
    result = scan_secrets(tmp_path)
    assert places(result) == [(AWS, "app/settings.py", 3, 8), (AWS, "deploy/.env", 2, 19)]
    assert result.skipped == {"gitignored": 2}
    assert result.files_scanned == 3
    assert result.warnings == ()
    assert_no_leak(result, one, two, three)
    unignored = scan_secrets(tmp_path, SecretOptions(respect_gitignore=False))
    assert [p[1] for p in places(unignored)] == [
        "app/settings.py", "build/out.txt", "debug.log", "deploy/.env"
    ]  # fmt: skip


def test_a_shared_walk_gives_the_same_result(tmp_path: Path) -> None:
    write(tmp_path, {
        "a.py": f"K = '{aws_key_id(11)}'\n", "logs/x.log": f"{aws_key_id(12)}\n",
        ".gitignore": "logs/\n", "b.env": f"K={aws_key_id(13)}\n",
    })  # fmt: skip
    own = scan_secrets(tmp_path)
    assert own == scan_secrets(tmp_path, tree=WalkedTree.of(tmp_path))
    assert [p[1] for p in places(own)] == ["a.py", "b.env"]
    assert own.skipped == {"gitignored": 1}


def test_a_single_file_target(tmp_path: Path) -> None:
    key = aws_key_id(4)
    write(tmp_path, {"one.yaml": f"a: 1\nkey: {key}\n"})
    result = scan_secrets(tmp_path / "one.yaml")
    assert places(result) == [(AWS, "one.yaml", 2, 6)]
    assert result.bytes_scanned == len(f"a: 1\nkey: {key}\n")


def test_a_missing_target_is_an_error_without_traceback(tmp_path: Path) -> None:
    with pytest.raises(SecretsError, match=r"no-such: no such file or directory$"):
        scan_secrets(tmp_path / "no-such")


def test_invalid_utf8_is_a_warning_and_the_file_is_still_scanned(tmp_path: Path) -> None:
    key = aws_key_id(5)
    write(tmp_path, {"legacy.ini": b"[s]\nname = caf\xe9\npass \xff\xfe " + key.encode() + b"\n"})
    result = scan_secrets(tmp_path)
    assert places(result) == [(AWS, "legacy.ini", 3, 9)]
    assert result.warnings == (
        ScanWarning(
            "legacy.ini",
            "not valid utf-8: invalid bytes replaced (first on this line), the rest scanned",
            Gap.READER_FAILED,
            2,
        ),
    )
    assert_no_leak(result, key)


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (b"", "utf-16-le")],
)
def test_utf16_files(tmp_path: Path, bom: bytes, codec: str) -> None:
    key = aws_key_id(6)
    write(tmp_path, {"win.ps1": bom + f'$a = 1\r\n$k = "{key}"\r\n'.encode(codec)})
    result = scan_secrets(tmp_path)
    assert places(result) == [(AWS, "win.ps1", 2, 7)]
    assert result.warnings == ()


def test_binary_and_minified_files_are_skipped_by_rule_and_counted(tmp_path: Path) -> None:
    key = aws_key_id(7)
    write(tmp_path, {
        "data.bin.txt": b"\x00\x01\x02" + key.encode(),
        "logo.png": key.encode(),
        "dist/app.min.js": f"var k='{key}';",
        "dist/bundle.js": ("var a=1;" * 2000 + f"var k='{key}';").encode(),
        "src/app.js": f"const k = '{key}';\n",
    })  # fmt: skip
    result = scan_secrets(tmp_path)
    assert places(result) == [(AWS, "src/app.js", 1, 12)]
    assert result.skipped == {"binary": 2, "minified": 2}
    assert result.warnings == ()
    assert result.files_scanned == 1


def test_a_huge_file_is_skipped_with_a_warning_and_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "dump.sql"
    with big.open("wb") as handle:
        handle.truncate(500 * 1024 * 1024)  # sparse: no disk, no time
    write(tmp_path, {"small.txt": "nothing\n"})
    reads: list[tuple[str, int]] = []
    real = scanner.read_bounded

    def recording(path: str, max_bytes: int) -> bytes:
        reads.append((os.path.basename(path), max_bytes))
        return real(path, max_bytes)

    monkeypatch.setattr(scanner, "read_bounded", recording)
    result = scan_secrets(tmp_path)
    assert result.warnings == (
        ScanWarning(
            "dump.sql",
            "524288000 bytes, over the 10485760 byte limit; not scanned",
            Gap.SKIPPED,
        ),
    )
    assert result.skipped == {"too-large": 1}
    assert reads == [("small.txt", 10 * 1024 * 1024)]


def test_reading_is_bounded_by_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "grows.txt"
    path.write_bytes(b"a" * 1000)
    assert len(scanner.read_bounded(str(path), 100)) == 101  # one more: it grew past it


def test_a_file_that_grew_past_the_limit_is_skipped(tmp_path: Path) -> None:
    tally = scanner.Tally()
    scanner.scan_bytes(b"a" * 101, "grows.txt", 100, "salt", tally)
    assert tally.skipped == {"too-large": 1}
    assert tally.files == 0


def test_a_100000_character_line(tmp_path: Path) -> None:
    key = aws_key_id(8)
    prefix = ("lorem ipsum " * 9000)[:98_998] + " "
    line = prefix + key + (" dolor" * 200)[: 100_000 - 98_999 - len(key)]
    assert len(line) == 100_000
    write(tmp_path, {"blob.txt": f"start\n{line}\n{line}\n"})
    result = scan_secrets(tmp_path)
    assert places(result) == [(AWS, "blob.txt", 2, 99_000), (AWS, "blob.txt", 3, 99_000)]


def test_symlink_loop_and_outside_links_are_warnings(tmp_path: Path) -> None:
    key = aws_key_id(9)
    write(tmp_path, {"real.txt": f"{key}\n"})
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    (tmp_path / "dir-link").symlink_to(tmp_path)
    result = scan_secrets(tmp_path)
    assert places(result) == [(AWS, "real.txt", 1, 1)]
    assert result.warnings == (
        ScanWarning("loop-a", "broken symlink or symlink loop; skipped", Gap.SKIPPED),
        ScanWarning("loop-b", "broken symlink or symlink loop; skipped", Gap.SKIPPED),
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {"locked.txt": "x\n", "open.txt": "y\n"})
    (tmp_path / "locked.txt").chmod(0)
    try:
        result = scan_secrets(tmp_path)
    finally:
        (tmp_path / "locked.txt").chmod(0o600)
    assert result.warnings == (
        ScanWarning("locked.txt", "not readable (Permission denied); skipped", Gap.SKIPPED),
    )
    assert result.files_scanned == 1


def test_a_read_failure_is_a_warning_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"locked.txt": "x\n", "open.txt": "y\n"})
    real = scanner.read_bounded

    def refusing(path: str, max_bytes: int) -> bytes:
        if path.endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real(path, max_bytes)

    monkeypatch.setattr(scanner, "read_bounded", refusing)
    result = scan_secrets(tmp_path)
    assert result.warnings == (
        ScanWarning("locked.txt", "not readable (Permission denied); skipped", Gap.SKIPPED),
    )
    assert result.files_scanned == 1


def test_parallel_and_serial_scans_give_the_same_result(tmp_path: Path) -> None:
    keys = {}
    files: dict[str, str | bytes] = {}
    for i in range(300):
        text = "x = 1\n" * (i % 7)
        if i % 25 == 0:
            keys[i] = aws_key_id(100 + i)
            text += f"key = '{keys[i]}'\n"
        files[f"pkg{i % 10}/mod{i:03}.py"] = text
    files["bad.txt"] = b"\xff" + aws_key_id(999).encode()
    write(tmp_path, files)
    serial = scan_secrets(tmp_path, SecretOptions(jobs=1))
    parallel = scan_secrets(tmp_path, SecretOptions(jobs=2))
    assert parallel == serial
    assert len(serial.findings) == 13
    assert serial.files_scanned == 301
    assert [w.source for w in serial.warnings] == ["bad.txt"]


def test_a_detector_failure_is_that_files_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = aws_key_id(10)

    def broken(text: str, path: str = "") -> list[object]:
        raise ValueError(f"cannot handle {text}")  # a message holding the content

    monkeypatch.setattr(scanner, "find_all_secrets", broken)
    write(tmp_path, {"a.txt": f"{key}\n"})
    result = scan_secrets(tmp_path)
    assert result.warnings == (
        ScanWarning(
            "a.txt", "secret detection failed (ValueError); file not scanned", Gap.READER_FAILED
        ),
    )
    assert_no_leak(result, key)


def test_chunks_are_consecutive_runs_of_about_the_size() -> None:
    todo = [(f"f{i}", f"/p/f{i}", size) for i, size in enumerate([5, 5, 5, 20, 1, 1])]
    assert [[rel for rel, _, _ in chunk] for chunk in chunked(todo, 10)] == [
        ["f0", "f1"], ["f2", "f3"], ["f4", "f5"]
    ]  # fmt: skip


def test_ignored_secrets_are_kept_apart_and_marked(tmp_path: Path) -> None:
    from tests.secrets.tokens import BASE32, pick

    key = "AKIA" + pick(random.Random(3), BASE32, 16)
    (tmp_path / "a.py").write_text(f'A = "{key}"  # garrison:ignore[aws-access-key-id]\n')
    found = scan_secrets(tmp_path)
    assert found.findings == ()
    assert [
        (f.id, f.location.line if f.location else 0, f.inline_ignore) for f in found.ignored
    ] == [("aws-access-key-id", 1, "")]
