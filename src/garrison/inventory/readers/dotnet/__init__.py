"""Readers for dotnet lockfiles, manifests and installed packages. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.dotnet import csproj, packages_lock_json

READERS: tuple[Reader, ...] = (packages_lock_json, csproj)
