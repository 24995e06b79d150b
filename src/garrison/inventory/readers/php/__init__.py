"""Readers for PHP: composer.lock. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.php import composer_lock

READERS: tuple[Reader, ...] = (composer_lock,)
