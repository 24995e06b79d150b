"""Readers for Dart and Flutter: pubspec.lock. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.dart import pubspec_lock

READERS: tuple[Reader, ...] = (pubspec_lock,)
