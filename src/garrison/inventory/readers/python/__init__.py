"""Readers for python lockfiles, manifests and installed packages. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.python import (
    installed,
    pdm_lock,
    pipfile_lock,
    poetry_lock,
    pylock_toml,
    requirements_txt,
    uv_lock,
)

READERS: tuple[Reader, ...] = (
    poetry_lock,
    pipfile_lock,
    pdm_lock,
    uv_lock,
    pylock_toml,
    requirements_txt,
    installed,
)
