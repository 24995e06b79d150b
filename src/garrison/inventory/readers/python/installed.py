"""Installed distributions: `*.dist-info/METADATA` and `*.egg-info/PKG-INFO` (core metadata)."""

from __future__ import annotations

from email.message import Message
from email.parser import HeaderParser
from pathlib import PurePosixPath

from garrison.inventory.readers.base import ReaderError, ReadResult, ResultBuilder, SourceFile
from garrison.inventory.readers.python.common import is_blank
from garrison.model import Gap

NAME = "installed-python-metadata"
ECOSYSTEM = "PyPI"

_LONG_LICENSE = 100  # a `License:` longer than this is licence text, not a name
_NO_LICENSE = frozenset({"", "unknown", "none", "n/a"})
_CLASSIFIER_PREFIX = "License :: "
# The last segment of common licence classifiers -> SPDX identifier (ambiguous ones omitted).
_CLASSIFIER_SPDX = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Apache Software License": "Apache-2.0",
    "ISC License (ISCL)": "ISC",
    "Python Software Foundation License": "PSF-2.0",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "zlib/libpng License": "Zlib",
    "BSD Zero Clause License (0BSD)": "0BSD",
}


def matches(path: PurePosixPath) -> bool:
    """METADATA in a `.dist-info` directory, PKG-INFO in an `.egg-info` or `EGG-INFO` one,
    and the single-file `name-1.0.egg-info` that distutils installs."""
    parent = path.parent.name
    if path.name == "METADATA":
        return parent.endswith(".dist-info")
    if path.name == "PKG-INFO":
        return parent.endswith(".egg-info") or parent == "EGG-INFO"
    return path.name.endswith(".egg-info")


def read(source: SourceFile) -> ReadResult:
    """One component: Name, Version (its line is the location) and the licence."""
    if is_blank(source):
        return ReadResult(())
    text = source.text()
    if "\x00" in text:
        raise ReaderError(f"{source.path}: binary data, not package metadata")
    headers = HeaderParser().parsestr(_header_block(text))
    name = _single(source, headers, "Name")
    if not name:
        raise ReaderError(f"{source.path}: no Name header (not package metadata)")
    builder = ResultBuilder(source, ECOSYSTEM)
    versions = list(dict.fromkeys(v.strip() for v in headers.get_all("Version", []) if v.strip()))
    line = _header_line(text, "version") or _header_line(text, "name")
    builder.add(
        name, versions[0] if len(versions) == 1 else None, line=line, licenses=_licenses(headers)
    )
    if len(versions) > 1:
        builder.warn(f"{name}: conflicting Version headers {versions}", Gap.NO_VERSION, line)
    return builder.result()


def _header_block(text: str) -> str:
    """The text up to the first blank line: the body (the description) is not needed."""
    end = text.find("\n\n")
    return text if end < 0 else text[: end + 1]


def _single(source: SourceFile, headers: Message, field: str) -> str | None:
    values = {value.strip() for value in headers.get_all(field, [])}
    if len(values) > 1:
        raise ReaderError(f"{source.path}: conflicting {field} headers {sorted(values)}")
    return values.pop() if values else None


def _header_line(text: str, field: str) -> int | None:
    """The 1-based line of the first `field:` header (case-insensitive) before the body."""
    prefix = f"{field}:"
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            return None
        if line[: len(prefix)].lower() == prefix:
            return number
    return None


def _licenses(headers: Message) -> tuple[str, ...]:
    """License-Expression; else a short one-line License; else mapped licence classifiers."""
    expression = (headers.get("License-Expression") or "").strip()
    if expression:
        return (expression,)
    text = (headers.get("License") or "").strip()
    if text.lower() not in _NO_LICENSE and len(text) < _LONG_LICENSE and "\n" not in text:
        return (text,)
    found = []
    for classifier in headers.get_all("Classifier", []):
        if classifier.strip().startswith(_CLASSIFIER_PREFIX):
            spdx = _CLASSIFIER_SPDX.get(classifier.rsplit("::", 1)[-1].strip())
            if spdx and spdx not in found:
                found.append(spdx)
    return tuple(found)
