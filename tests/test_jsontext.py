from __future__ import annotations

import json

from garrison import jsontext


def test_round_trips_and_puts_one_list_element_a_line() -> None:
    document = {
        "a": 1,
        "meta": {"tool": {"name": "g"}, "empty": {}},
        "items": [{"id": 1, "x": [1, 2]}, {"id": 2, "s": "é"}],
        "none": [],
    }
    text = jsontext.dumps(document)
    assert json.loads(text) == document
    assert text.splitlines() == [
        "{",
        '  "a": 1,',
        '  "meta": {',
        '    "tool": {"name": "g"},',
        '    "empty": {}',
        "  },",
        '  "items": [',
        '    {"id": 1, "x": [1, 2]},',
        '    {"id": 2, "s": "é"}',
        "  ],",
        '  "none": []',
        "}",
    ]
