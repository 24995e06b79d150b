"""A tiny web client used as garrison's demo target."""

import requests
import yaml


def load_settings(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.full_load(handle)


def fetch_status(url: str) -> int:
    return requests.get(url, timeout=10).status_code
