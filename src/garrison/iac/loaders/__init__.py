"""IaC loaders, listed explicitly: each turns one file into Resources (see iac/model.py)."""

from __future__ import annotations

from typing import Any

LOADERS: tuple[Any, ...] = ()
