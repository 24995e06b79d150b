"""Every lockfile/manifest reader, listed explicitly: one tuple per ecosystem package.

READERS is the order in which readers are asked `matches(path)`; the first that claims a file
reads it. A test checks that names are unique and that every reader module is listed.
"""

from __future__ import annotations

from garrison.inventory.readers import (
    dart,
    dotnet,
    elixir,
    go,
    java,
    javascript,
    php,
    python,
    ruby,
    rust,
)
from garrison.inventory.readers.base import Reader

GROUPS = (python, javascript, go, rust, ruby, php, java, dotnet, dart, elixir)

READERS: tuple[Reader, ...] = tuple(reader for group in GROUPS for reader in group.READERS)
