"""Every secret detector, listed explicitly: one tuple per provider-family module.

The order of DETECTORS is the order of precedence: when two detectors report the same
characters (a GitHub token inside a URL's password, a service-account key that is also a
PEM block), the earlier one is kept. Provider detectors come first, the generic one last.
A test checks that ids are unique and that every module of this package is listed.
"""

from __future__ import annotations

from garrison.secrets.detectors import (
    chat,
    cloud,
    generic,
    infra,
    keys,
    messaging,
    payments,
    registries,
    saas,
    tokens,
    vcs,
)
from garrison.secrets.detectors.base import Detector

MODULES = (cloud, vcs, chat, payments, messaging, registries, saas, infra, keys, tokens, generic)

DETECTORS: tuple[Detector, ...] = tuple(
    detector for module in MODULES for detector in module.DETECTORS
)
BY_ID: dict[str, Detector] = {detector.id: detector for detector in DETECTORS}
