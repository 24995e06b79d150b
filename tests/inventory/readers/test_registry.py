"""The reader registry is explicit: every module listed once, names unique."""

from __future__ import annotations

import importlib
import pkgutil

from garrison.inventory import readers

NOT_READERS = {"base", "common"}


def test_reader_names_are_unique() -> None:
    names = [reader.NAME for reader in readers.READERS]
    assert len(names) == len(set(names))


def test_every_reader_module_is_listed_in_its_group() -> None:
    listed = {reader.__name__ for reader in readers.READERS}  # type: ignore[attr-defined]
    found = set()
    for group in readers.GROUPS:
        for info in pkgutil.iter_modules(group.__path__):
            if info.name in NOT_READERS or info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{group.__name__}.{info.name}")
            if hasattr(module, "read"):
                found.add(module.__name__)
    assert found == listed


def test_every_group_package_is_listed() -> None:
    packages = {info.name for info in pkgutil.iter_modules(readers.__path__) if info.ispkg}
    assert packages == {group.__name__.rsplit(".", 1)[1] for group in readers.GROUPS}


def test_every_reader_has_the_interface() -> None:
    for reader in readers.READERS:
        assert isinstance(reader.NAME, str) and reader.NAME
        assert isinstance(reader.ECOSYSTEM, str)
        assert callable(reader.matches) and callable(reader.read)
