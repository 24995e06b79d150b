"""IaC loaders, listed explicitly: each turns one file into Resources (see iac/model.py)."""

from __future__ import annotations

from typing import Any

from garrison.iac.loaders import compose, dockerfile, kubernetes, terraform, terraform_plan

LOADERS: tuple[Any, ...] = (
    terraform_plan,  # *plan*.json: before any loader that claims every .json
    terraform,
    dockerfile,
    compose,  # compose files by name: before any loader that claims every .yaml
    kubernetes,  # every .yaml/.yml/.json with apiVersion and kind: last
)
