"""Readers for Go: go.mod, and the build information inside Go binaries. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.go import go_binary, go_mod

READERS: tuple[Reader, ...] = (go_mod, go_binary)
