from __future__ import annotations

import pytest
import yaml

from garrison.yamlsafe import StrictLoader


def test_duplicate_keys_are_refused_with_their_line() -> None:
    with pytest.raises(yaml.YAMLError, match=r"line 3: duplicate key 'a'"):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=StrictLoader)


def test_timestamps_stay_text_and_no_python_objects() -> None:
    assert yaml.load("t: 2024-01-01T00:00:00Z\n", Loader=StrictLoader) == {
        "t": "2024-01-01T00:00:00Z"
    }
    with pytest.raises(yaml.YAMLError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=StrictLoader)
