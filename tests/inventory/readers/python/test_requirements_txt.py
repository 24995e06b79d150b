"""requirements*.txt: pins, includes, constraints, options, URLs and what is not pinned."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import requirements_txt
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

Files = dict[str, bytes | str]
INCLUDES = "python/requirements-includes"
LINES = "python/requirements-lines/requirements-dev.txt"


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("requirements.txt", True),
        ("app/requirements-dev.txt", True),
        ("requirements_test.txt", True),
        ("requirements/prod.txt", True),
        ("requirements/prod.in", False),
        ("dev-requirements.txt", False),
        ("docs/notes.txt", False),
        ("requirements.txt.bak", False),
    ],
)
def test_matches(path: str, claimed: bool) -> None:
    assert requirements_txt.matches(PurePosixPath(path)) is claimed


def test_includes_constraints_and_what_is_not_pinned() -> None:
    result = requirements_txt.read(data_file("python", "requirements-includes", "requirements.txt"))
    top = f"{INCLUDES}/requirements.txt"
    base = f"{INCLUDES}/requirements/base.txt"
    assert rows(result) == [
        ("PyPI", "Django", "4.2.11", "pkg:pypi/django@4.2.11", top, 5, None, True),
        ("PyPI", "requests", "2.31.0", "pkg:pypi/requests@2.31.0", top, 8, None, True),
        # unpinned here, pinned by the -c constraints file
        ("PyPI", "gunicorn", "21.2.0", "pkg:pypi/gunicorn@21.2.0", top, 9, None, True),
        ("PyPI", "localpkg", "0.3.0", "pkg:pypi/localpkg@0.3.0", top, 12, None, True),
        ("PyPI", "urllib3", "2.2.1", "pkg:pypi/urllib3@2.2.1", base, 3, None, True),
        ("PyPI", "certifi", "2024.2.2", "pkg:pypi/certifi@2024.2.2", base, 4, None, True),
    ]
    assert result.dependencies == ()
    assert warnings(result) == [
        (top, "unpinned", 10, "line 10: celery: unpinned requirement (no version)"),
        (
            top,
            "unpinned",
            11,
            "line 11: internal-lib: editable VCS requirement "
            "'git+https://github.com/example/internal-lib.git@v1.4.0#egg=internal-lib' "
            "without a version",
        ),
        (
            top,
            "unpinned",
            12,
            "line 12: localpkg: local path requirement "
            "'./vendor/localpkg-0.3.0-py3-none-any.whl', version 0.3.0 from its file name",
        ),
        (top, "skipped", 13, "line 13: requirements file 'missing.txt' not found"),
    ]


def test_line_forms_options_markers_urls_and_bad_lines() -> None:
    result = requirements_txt.read(data_file(*LINES.split("/")))
    assert [(name, version, line) for _, name, version, _, _, line, _, _ in rows(result)] == [
        ("pytest", "8.1.1", 3),
        ("black", "24.3.0", 5),
        ("mypy", "1.9.0", 6),
        ("types-requests", "2.31.0.20240311", 8),
        ("pip-tools", "7.4.1", 10),
        ("sphinx", "7.2.6", 12),
    ]
    assert all(direct is True and scope is None for *_, scope, direct in rows(result))
    assert [(gap, line, message) for _, gap, line, message in warnings(result)] == [
        ("unpinned", 4, "line 4: pytest-cov: unpinned requirement '<5,>=4'"),
        ("unpinned", 7, "line 7: ruff: unpinned requirement '==0.3.*'"),
        (
            "unpinned",
            11,
            "line 11: tox: version depends on environment variables in 'tox==${TOX_VERSION}'",
        ),
        (
            "unpinned",
            12,
            "line 12: sphinx: URL requirement "
            "'https://files.example.com/packages/sphinx-7.2.6.tar.gz', "
            "version 7.2.6 from its file name",
        ),
        (
            "unpinned",
            13,
            "line 13: flit-core: VCS requirement "
            "'git+https://github.com/pypa/flit.git@3.9.0#subdirectory=flit_core' "
            "without a version",
        ),
        ("unpinned", 14, "line 14: editable local path requirement '.' without a version"),
        ("reader-failed", 15, "line 15: cannot parse requirement 'requests 2.31.0'"),
        ("reader-failed", 16, "line 16: unknown option '--no-such-option'"),
    ]


def test_include_paths_are_relative_to_the_including_file() -> None:
    files: Files = {
        "reqs/base.txt": "-r ../common/pins.txt\nattrs==23.2.0\n",
        "common/pins.txt": "idna==3.6\n",
    }
    result = requirements_txt.read(source("svc/requirements.txt", "-r reqs/base.txt\n", files))
    assert [(name, path, line) for _, name, _, _, path, line, _, _ in rows(result)] == [
        ("idna", "svc/common/pins.txt", 1),
        ("attrs", "svc/reqs/base.txt", 2),
    ]
    assert result.warnings == ()


def test_include_forms_and_remote_includes() -> None:
    files: Files = {"a.txt": "six==1.16.0\n", "b.txt": "idna==3.6\n", "c.txt": "attrs==23.2.0\n"}
    text = "--requirement=a.txt\n-rb.txt\n--requirement c.txt\n-r https://example.com/r.txt\n"
    result = requirements_txt.read(source("requirements.txt", text, files))
    assert [name for _, name, *_ in rows(result)] == ["six", "idna", "attrs"]
    assert warnings(result) == [
        (
            "requirements.txt",
            "skipped",
            4,
            "line 4: cannot follow remote requirements file 'https://example.com/r.txt'",
        )
    ]


def test_include_cycles_end() -> None:
    top = "-r requirements-b.txt\nsix==1.16.0\n"
    files: Files = {"requirements-a.txt": top}
    files["requirements-b.txt"] = "-r requirements-a.txt\nidna==3.6\n"
    result = requirements_txt.read(source("requirements-a.txt", top, files))
    assert [(name, path) for _, name, _, _, path, *_ in rows(result)] == [
        ("six", "requirements-a.txt"),
        ("idna", "requirements-b.txt"),
    ]
    assert result.warnings == ()


def test_included_file_that_is_not_text_is_a_warning() -> None:
    result = requirements_txt.read(
        source("requirements.txt", "-r bad.txt\nsix==1.16.0\n", {"bad.txt": b"\xff\xfe"})
    )
    assert [name for _, name, *_ in rows(result)] == ["six"]
    assert warnings(result) == [
        ("requirements.txt", "reader-failed", 1, "line 1: bad.txt: not UTF-8 text (byte 0)")
    ]


def test_constraints_pin_only_what_is_required_and_bad_lines_are_reported() -> None:
    files: Files = {"constraints.txt": "requests==2.31.0\nredis==5.0.3\nbad line here\n"}
    result = requirements_txt.read(
        source("requirements.txt", "-c constraints.txt\nrequests>=2\n", files)
    )
    assert rows(result) == [
        (
            "PyPI",
            "requests",
            "2.31.0",
            "pkg:pypi/requests@2.31.0",
            "requirements.txt",
            2,
            None,
            True,
        )
    ]
    assert warnings(result) == [
        ("constraints.txt", "reader-failed", 3, "line 3: cannot parse requirement 'bad line here'")
    ]


def test_comments_and_continuations() -> None:
    text = (
        "# header\n"
        "six==1.16.0 # trailing comment\n"
        "idna \\\n"
        "  ==3.6 \\\n"
        "  --hash=sha256:abc\n"
        "attrs==23.2.0 # a comment ends a line \\\n"
        "pkg @ https://example.com/pkg-1.0.tar.gz#sha256=abc\n"
        "last==1.0 \\\n"
    )
    result = requirements_txt.read(source("requirements.txt", text))
    assert [(name, version, line) for _, name, version, _, _, line, _, _ in rows(result)] == [
        ("six", "1.16.0", 2),
        ("idna", "3.6", 3),
        ("attrs", "23.2.0", 6),
        ("pkg", "1.0", 7),
        ("last", "1.0", 8),
    ]


def test_url_file_name_for_another_project_gives_no_version() -> None:
    result = requirements_txt.read(
        source("requirements.txt", "mylib @ https://example.com/otherlib-2.0.tar.gz\n")
    )
    assert result.components == ()
    assert [w.message for w in result.warnings] == [
        "line 1: mylib: URL requirement 'https://example.com/otherlib-2.0.tar.gz' without a version"
    ]


def test_empty_and_comment_only_files_have_nothing() -> None:
    assert requirements_txt.read(source("requirements.txt", "")).components == ()
    result = requirements_txt.read(source("requirements.txt", "# nothing\n\n--pre\n"))
    assert result.components == () and result.warnings == ()


def test_binary_data_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match=r"^requirements\.txt: binary data"):
        requirements_txt.read(source("requirements.txt", b"six==1.0\x00\x00"))


def test_shared_sample_with_includes() -> None:
    result = requirements_txt.read(shared_file(sample("requirements", "example.txt")))
    assert [
        (name, version, path, line) for _, name, version, _, path, line, _, _ in rows(result)
    ] == [
        ("docopt", "0.6.1", "example.txt", 8),
        ("urllib3", "1.26.8", "example.txt", 10),
        ("numpy", "1.9.2", "example.txt", 25),
        ("wxPython_Phoenix", "3.0.3.dev1820+49a8884", "example.txt", 28),
        ("pandas", "2.2.3", "other-requirements.txt", 1),
    ]
    assert [(w.gap.value, w.line) for w in result.warnings] == [
        ("unpinned", 3),
        ("unpinned", 4),
        ("unpinned", 5),
        ("unpinned", 9),
        ("unpinned", 10),
        ("unpinned", 13),
        ("unpinned", 15),
        ("unpinned", 17),
        ("skipped", 22),
        ("unpinned", 25),
        ("unpinned", 28),
    ]


def test_shared_sample_with_per_requirement_options() -> None:
    result = requirements_txt.read(shared_file(sample("requirements", "per_req_options.txt")))
    names = [name for _, name, *_ in rows(result)]
    assert names == [f"foo{n}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14)] + [
        "foo16-Client",
        "foo17--hash",
        "foo18-Client",
    ]
    assert [(w.gap.value, w.line) for w in result.warnings] == [
        ("reader-failed", 13),
        ("reader-failed", 20),
        ("reader-failed", 30),
    ]


def test_shared_loop_sample_ends() -> None:
    result = requirements_txt.read(shared_file(sample("requirements", "loop.txt")))
    assert result.components == () and result.warnings == ()


def test_shared_versions_sample() -> None:
    result = requirements_txt.read(shared_file(sample("requirements", "with_versions.txt")))
    assert [(name, version, line) for _, name, version, _, _, line, _, _ in rows(result)] == [
        ("nltk", "3.2.2", 1),
        ("tabulate", "0.7.7", 2),
        ("qwerty", "0.1", 5),
        ("hy-phen", "1.2", 7),
        ("under_score", "1.3", 8),
        ("pkg.dot.name", "5.0.0", 9),
        ("yolo", "1.0", 11),
    ]
    assert [(w.line, w.message) for w in result.warnings] == [
        (3, "line 3: newspaper3k: unpinned requirement '>=0.2.2'"),
        (4, "line 4: asdf: unpinned requirement '==0.7.*'"),
        (10, "line 10: combination-._-.also_-._valid: unpinned requirement '>=3.5'"),
        (12, "line 12: pkg: unpinned requirement '<=1.2.3'"),
    ]
