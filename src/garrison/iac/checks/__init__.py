"""Built-in checks: YAML check files (the check language of iac/dsl.py) and the Python
functions some of them call. CHECK_FILES lists the YAML files explicitly."""

from __future__ import annotations

CHECK_FILES: tuple[str, ...] = (
    "kubernetes.yaml",
    "rbac.yaml",
    "terraform_aws.yaml",
    "terraform_gcp.yaml",
    "terraform_azure.yaml",
    "dockerfile.yaml",
    "compose.yaml",
)
