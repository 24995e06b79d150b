from __future__ import annotations

import pytest

from garrison.policy.license_names import spdx_for


@pytest.mark.parametrize(
    ("text", "spdx"),
    [("MIT License", "MIT"), ("  the MIT license. ", "MIT"), ("Apache 2.0", "Apache-2.0"),
     ("Apache Software License 2.0", "Apache-2.0"), ("LGPLv3+", "LGPL-3.0-or-later"),
     ("PSFL", "PSF-2.0"), ("new-BSD", "BSD-3-Clause"), ("BSD", None), ("GPL", None),
     ("Proprietary", None)],
)  # fmt: skip
def test_common_names_map_to_one_spdx_id_or_none(text: str, spdx: str | None) -> None:
    assert spdx_for(text) == spdx
