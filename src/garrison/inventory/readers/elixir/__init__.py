"""Readers for Elixir (and Erlang built with Mix): mix.lock. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.elixir import mix_lock

READERS: tuple[Reader, ...] = (mix_lock,)
