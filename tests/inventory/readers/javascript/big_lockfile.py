"""A large, realistic package-lock.json (v3) for the speed check: ~15k packages, ~5 MB."""

from __future__ import annotations

import json
from typing import Any


def _entry(name: str, version: str, index: int, deps: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "version": version,
        "resolved": f"https://registry.npmjs.org/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz",
        "integrity": "sha512-" + f"{index:08d}" * 11,
        "license": "MIT" if index % 3 else "ISC",
    }
    if index % 4 == 0:
        entry["dev"] = True
    if deps:
        entry["dependencies"] = deps
    if index % 5 == 0:
        entry["engines"] = {"node": ">=14"}
    return entry


def big_package_lock(top: int = 12_000, nested: int = 3_000) -> bytes:
    """`top` hoisted packages (some scoped), `nested` copies under node_modules/x/node_modules."""
    names = [f"@scope{i % 50}/pkg-{i}" if i % 7 == 0 else f"pkg-{i}" for i in range(top)]
    packages: dict[str, Any] = {
        "": {
            "name": "big-app",
            "version": "1.0.0",
            "dependencies": {name: "^1.0.0" for name in names[:40]},
            "devDependencies": {name: "^1.0.0" for name in names[40:60]},
        }
    }
    for i, name in enumerate(names):
        deps = {names[(i * 7 + k) % top]: "^1.0.0" for k in range(1, 1 + i % 6)}
        packages[f"node_modules/{name}"] = _entry(name, f"1.{i % 10}.{i % 13}", i, deps)
    for j in range(nested):
        parent, child = names[j * 3 % top], names[(j * 11 + 1) % top]
        packages[f"node_modules/{parent}/node_modules/{child}"] = _entry(
            child, f"2.{j % 10}.0", j, {}
        )
    document = {"name": "big-app", "version": "1.0.0", "lockfileVersion": 3, "packages": packages}
    return json.dumps(document, indent=2).encode()
