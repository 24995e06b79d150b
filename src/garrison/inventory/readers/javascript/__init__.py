"""Readers for javascript lockfiles, manifests and installed packages. Registry: READERS."""

from __future__ import annotations

from garrison.inventory.readers.base import Reader
from garrison.inventory.readers.javascript import (
    bun_lock,
    node_modules,
    package_lock,
    pnpm_lock,
    yarn_lock,
)

# node_modules first: a package.json inside node_modules is an installed package, whatever
# reader of project manifests may come later.
READERS: tuple[Reader, ...] = (node_modules, package_lock, yarn_lock, pnpm_lock, bun_lock)
