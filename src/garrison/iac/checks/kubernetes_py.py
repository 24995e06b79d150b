"""Python conditions for Kubernetes checks the check language cannot say: annotation keys
by prefix, ConfigMap keys that name secrets, hostPath volumes mounted writable, and
whether a workload has a pod spec with containers at all.

Each function is `(resource, obj, obj_path) -> list[DocPath]`: the offending fields (an
empty list: the check passes); `runs_containers` is a guard that holds without pointing
anywhere, so the finding keeps the location the rest of the condition gives it.
"""

from __future__ import annotations

import re
from typing import Any

from garrison.iac.model import DocPath, Resource
from garrison.iac.paths import CONTAINER_LISTS, get

_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
_SECCOMP_KEYS = ("seccomp.security.alpha.kubernetes.io/pod",)
_SECCOMP_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
_SECRET_KEY = re.compile(
    r"(?i)(passw(or)?d|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key)$"
)


def runs_containers(resource: Resource, obj: Any, obj_path: DocPath) -> bool:
    """The workload's pod spec lists at least one container. A manifest without one (a
    kustomize patch that only sets `replicas`, a test fragment) runs nothing, so checks
    about what its pods would default to do not apply."""
    pod_path = resource.context.get("pod_spec")
    pod = get(resource.doc, tuple(pod_path)) if pod_path is not None else None
    if not isinstance(pod, dict):
        return False
    return any(isinstance(pod.get(name), list) and pod[name] for name in CONTAINER_LISTS)


def apparmor_annotation_unconfined(
    resource: Resource, obj: Any, obj_path: DocPath
) -> list[DocPath]:
    """AppArmor annotations whose profile is neither `runtime/default` nor `localhost/...`."""
    found = []
    for key, value, where in _annotations(resource):
        if key.startswith(_APPARMOR_PREFIX) and not _allowed_profile(value):
            found.append(where)
    return found


def seccomp_annotation_unconfined(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """The old seccomp annotations set to `unconfined`."""
    found = []
    for key, value, where in _annotations(resource):
        is_seccomp = key in _SECCOMP_KEYS or key.startswith(_SECCOMP_PREFIX)
        if is_seccomp and isinstance(value, str) and value.strip().lower() == "unconfined":
            found.append(where)
    return found


def configmap_secret_keys(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """ConfigMap `data` keys that name a password, token, key or secret, with a value."""
    data = get(resource.doc, ("data",))
    if not isinstance(data, dict):
        return []
    return [
        ("data", key)
        for key, value in data.items()
        if _SECRET_KEY.search(key.replace(".", "_")) and isinstance(value, str) and value.strip()
    ]


def writable_host_mounts(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """Volume mounts of hostPath volumes that are not read-only."""
    pod_path = tuple(resource.context.get("pod_spec") or ())
    pod = get(resource.doc, pod_path) if resource.context.get("pod_spec") is not None else None
    if not isinstance(pod, dict):
        return []
    volumes = pod.get("volumes")
    host = {
        volume.get("name")
        for volume in (volumes if isinstance(volumes, list) else [])
        if isinstance(volume, dict) and volume.get("hostPath") is not None
    }
    return [
        where
        for mount, where in _mounts(pod, pod_path)
        if mount.get("name") in host and mount.get("readOnly") is not True
    ]


def _mounts(pod: dict[str, Any], pod_path: DocPath) -> list[tuple[dict[str, Any], DocPath]]:
    """Every volume mount of every container of a pod spec, with its path."""
    found = []
    for list_name in CONTAINER_LISTS:
        containers = pod.get(list_name)
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            mounts = container.get("volumeMounts") if isinstance(container, dict) else None
            for number, mount in enumerate(mounts if isinstance(mounts, list) else []):
                if isinstance(mount, dict):
                    found.append((mount, (*pod_path, list_name, index, "volumeMounts", number)))
    return found


def _annotations(resource: Resource) -> list[tuple[str, Any, DocPath]]:
    """(key, value, path) of the pod's annotations (the pod template's, for workloads)."""
    place: DocPath = (*tuple(resource.context.get("pod_meta") or ("metadata",)), "annotations")
    annotations = get(resource.doc, place)
    if not isinstance(annotations, dict):
        return []
    return [(str(key), value, (*place, key)) for key, value in annotations.items()]


def _allowed_profile(value: Any) -> bool:
    text = value.strip() if isinstance(value, str) else ""
    return text == "runtime/default" or text.startswith("localhost/")
