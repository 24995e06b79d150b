"""Installed metadata: *.dist-info/METADATA and *.egg-info/PKG-INFO."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import installed
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

SITE = "python/installed/site-packages"


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("venv/lib/python3.12/site-packages/Flask-3.0.2.dist-info/METADATA", True),
        ("lib/six.egg-info/PKG-INFO", True),
        ("eggs/six-1.16.0-py3.12.egg/EGG-INFO/PKG-INFO", True),
        ("Flask-3.0.2.dist-info/RECORD", False),
        ("six.egg-info/METADATA", False),
        ("src/METADATA", False),
        ("PKG-INFO", False),
        ("usr/lib/python3/dist-packages/chardet-5.1.0.egg-info", True),
    ],
)
def test_matches(path: str, claimed: bool) -> None:
    assert installed.matches(PurePosixPath(path)) is claimed


def test_dist_info_metadata() -> None:
    result = installed.read(data_file(*f"{SITE}/Flask-3.0.2.dist-info/METADATA".split("/")))
    path = f"{SITE}/Flask-3.0.2.dist-info/METADATA"
    assert rows(result) == [("PyPI", "Flask", "3.0.2", "pkg:pypi/flask@3.0.2", path, 3, None, None)]
    assert result.components[0].licenses == ()  # "BSD License" is not one licence
    assert result.warnings == () and result.dependencies == ()


def test_egg_info_licence_from_classifier() -> None:
    result = installed.read(data_file(*f"{SITE}/six.egg-info/PKG-INFO".split("/")))
    path = f"{SITE}/six.egg-info/PKG-INFO"
    assert rows(result) == [("PyPI", "six", "1.16.0", "pkg:pypi/six@1.16.0", path, 3, None, None)]
    assert result.components[0].licenses == ("MIT",)


@pytest.mark.parametrize(
    ("headers", "licenses"),
    [
        ("License-Expression: Apache-2.0 OR MIT\nLicense: Apache\n", ("Apache-2.0 OR MIT",)),
        ("License: BSD-3-Clause\n", ("BSD-3-Clause",)),
        (
            "License: "
            + "x" * 120
            + "\nClassifier: License :: OSI Approved :: ISC License (ISCL)\n",
            ("ISC",),
        ),
        (
            "License: Copyright (c) 2024\n        Permission is hereby granted\n"
            "Classifier: License :: OSI Approved :: Apache Software License\n",
            ("Apache-2.0",),
        ),
        ("License: UNKNOWN\n", ()),
    ],
)
def test_licence_choice(headers: str, licenses: tuple[str, ...]) -> None:
    text = f"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n{headers}\nDescription\n"
    result = installed.read(source("pkg-1.0.dist-info/METADATA", text))
    assert result.components[0].licenses == licenses


def test_missing_version_is_a_component_without_one() -> None:
    result = installed.read(source("x.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\n"))
    assert rows(result) == [
        ("PyPI", "x", None, "pkg:pypi/x", "x.dist-info/METADATA", 2, None, None)
    ]
    assert warnings(result) == [
        ("x.dist-info/METADATA", "no-version", 2, "line 2: x: no resolvable version")
    ]


def test_shared_samples() -> None:
    expected = {
        "distinfo_meta": ("pip", "22.2.2", ("MIT",)),
        "egginfo": ("pycups", "2.0.1", ("GPLv2+",)),
        "egginfo_pkginfo": ("setuptools", "57.4.0", ("MIT",)),
        "malformed_pkginfo": ("passlib", "1.7.4", ("BSD",)),
        "mixed_case": ("httplib2", "1.0", ()),
        "pkginfo": ("httplib2", "0.20.4", ("MIT",)),
        "pyopenssl-26.0.0.dist-info": ("pyOpenSSL", "26.0.0", ("Apache License, Version 2.0",)),
        "special_chars": ("backports.ssl_match_hostname", "3.5.0.1", ()),
    }
    for name, (package, version, licenses) in expected.items():
        result = installed.read(shared_file(sample("wheelegg", name)))
        component = result.components[0]
        assert (component.name, component.version, component.licenses) == (
            package,
            version,
            licenses,
        )
        assert component.location is not None and component.location.line == 3
        assert result.warnings == ()
    repeated = installed.read(shared_file(sample("wheelegg", "repeated_pkginfo")))
    assert [(c.name, c.version) for c in repeated.components] == [("root", None)]
    assert warnings(repeated) == [
        ("repeated_pkginfo", "no-version", 3, "line 3: root: no resolvable version"),
        (
            "repeated_pkginfo",
            "no-version",
            3,
            "line 3: root: conflicting Version headers ['1.0.0', '2.0.0', '3.0.0']",
        ),
    ]
    assert installed.read(shared_file(sample("wheelegg", "empty"))).components == ()


@pytest.mark.parametrize(
    "text",
    [
        "just some text\n",
        '["Name: x"]',
        "Metadata-Version: 2.1\nVersion: 1.0\n",
        "Name: a\nName: b\nVersion: 1\n",
        "Name: a\x00\nVersion: 1\n",
    ],
)
def test_not_metadata_is_a_reader_error(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^x\.dist-info/METADATA: "):
        installed.read(source("x.dist-info/METADATA", text))
