"""Readers for Ruby: Gemfile.lock. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.ruby import gemfile_lock

READERS: tuple[Reader, ...] = (gemfile_lock,)
