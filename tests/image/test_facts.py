from __future__ import annotations

from datetime import UTC, datetime

import pytest

from garrison.errors import ConfigError
from garrison.image.facts import (
    GoldenImage,
    base_age,
    image_age,
    load_golden,
    match_base,
)
from garrison.model import ImageFacts

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def facts(**kwargs: object) -> ImageFacts:
    fields: dict[str, object] = {
        "reference": "app.tar", "digest": "sha256:aa", "config_digest": "sha256:cc",
        "created": None, "pushed": None, "os": "linux", "architecture": "amd64", "layers": (),
    }  # fmt: skip
    fields.update(kwargs)
    return ImageFacts(**fields)  # type: ignore[arg-type]


def test_age_from_created_when_nothing_else_is_known() -> None:
    age = image_age(facts(created="2026-11-19T00:00:00Z"), NOW)
    assert (age.days, age.basis) == (10.0, "created")  # type: ignore[union-attr]


def test_backdated_created_is_not_trusted_pushed_is_used() -> None:
    age = image_age(facts(created="1970-01-01T00:00:01Z", pushed="2026-11-28T00:00:00Z"), NOW)
    assert (age.days, age.basis) == (1.0, "pushed")  # type: ignore[union-attr]


def test_earliest_trustworthy_time_wins() -> None:
    age = image_age(facts(created="2026-11-01T00:00:00Z", pushed="2026-11-28T00:00:00Z"), NOW)
    assert (age.days, age.basis) == (28.0, "created")  # type: ignore[union-attr]


def test_future_or_unknown_times_give_no_age() -> None:
    assert image_age(facts(created="2099-01-01T00:00:00Z"), NOW) is None
    assert image_age(facts(), NOW) is None


GOLDEN = (
    GoldenImage("debian:12-slim", "sha256:b1", "2026-11-01T00:00:00Z", ("sha256:l1",)),
    GoldenImage("python:3.12", "sha256:b2", "2026-10-01T00:00:00Z", ("sha256:l1", "sha256:l2")),
)


def test_base_from_annotations_first() -> None:
    annotated = facts(
        annotations=(("org.opencontainers.image.base.name", "docker.io/library/alpine:3.20"),),
        diff_ids=("sha256:l1",),
    )
    assert match_base(annotated, GOLDEN).base_name == "docker.io/library/alpine:3.20"


def test_base_from_the_longest_golden_layer_prefix() -> None:
    image = facts(diff_ids=("sha256:l1", "sha256:l2", "sha256:l3"))
    matched = match_base(image, GOLDEN)
    assert (matched.base_name, matched.base_digest) == ("python:3.12", "sha256:b2")
    age = base_age(matched, GOLDEN, NOW)
    assert (age.days, age.basis) == (59.0, "created")  # type: ignore[union-attr]
    assert match_base(facts(diff_ids=("sha256:zz",)), GOLDEN).base_name is None


def test_golden_file_errors_are_config_errors() -> None:
    assert load_golden('[{"name": "x", "diff_ids": ["sha256:1"]}]', "g.json")[0].name == "x"
    with pytest.raises(ConfigError, match=r"^g\.json: not a list of golden images"):
        load_golden('{"name": 1}', "g.json")
