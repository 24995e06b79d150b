"""Readers for javascript lockfiles, manifests and installed packages. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader

READERS: tuple[Reader, ...] = ()
