"""Licence names as packages often write them instead of SPDX ids ("MIT License",
"Apache 2.0", "LGPLv3+"), mapped to the SPDX id they unambiguously mean. A name that could
mean several licences ("BSD", "GPL") is not mapped: it stays unknown, never guessed."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s_-]+")

_NAMES = {
    "mit": "MIT", "mit license": "MIT", "the mit license": "MIT", "mit licence": "MIT",
    "expat": "MIT", "expat license": "MIT",
    "apache 2": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0",
    "apache software license 2.0": "Apache-2.0", "asl 2.0": "Apache-2.0",
    "bsd 2 clause": "BSD-2-Clause", "simplified bsd": "BSD-2-Clause",
    "bsd 3 clause": "BSD-3-Clause", "new bsd": "BSD-3-Clause", "new bsd license": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause", "revised bsd": "BSD-3-Clause",
    "isc license": "ISC", "psfl": "PSF-2.0", "psf": "PSF-2.0", "psf license": "PSF-2.0",
    "python software foundation license": "PSF-2.0",
    "mpl 2.0": "MPL-2.0", "mozilla public license 2.0": "MPL-2.0",
    "lgplv3+": "LGPL-3.0-or-later", "lgplv3": "LGPL-3.0-only",
    "lgplv2+": "LGPL-2.0-or-later", "lgplv2.1+": "LGPL-2.1-or-later",
    "gplv3+": "GPL-3.0-or-later", "gplv3": "GPL-3.0-only", "gplv2+": "GPL-2.0-or-later",
    "gplv2": "GPL-2.0-only", "agplv3+": "AGPL-3.0-or-later", "agplv3": "AGPL-3.0-only",
    "unlicense": "Unlicense", "the unlicense": "Unlicense", "zlib": "Zlib",
    "public domain": "LicenseRef-Public-Domain",
}  # fmt: skip


def spdx_for(text: str) -> str | None:
    """The SPDX id a common licence name stands for, or None."""
    key = _SPACES.sub(" ", text.strip().strip(".").casefold())
    return _NAMES.get(key)
