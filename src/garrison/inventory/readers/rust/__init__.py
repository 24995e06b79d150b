"""Readers for Rust: Cargo.lock. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.rust import cargo_lock

READERS: tuple[Reader, ...] = (cargo_lock,)
