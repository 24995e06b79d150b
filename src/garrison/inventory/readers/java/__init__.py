"""Readers for java lockfiles, manifests and installed packages. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.java import archive, gradle_lockfile, pom_xml

READERS: tuple[Reader, ...] = (pom_xml, gradle_lockfile, archive)
