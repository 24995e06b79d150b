"""Ages and base images: the inputs of "golden image freshness" (pure logic).

An image's `created` time is written by whoever built it and can be backdated (reproducible
builds set it to 1970 or to a commit date); the registry's push time cannot. Ages therefore
use the earliest *trustworthy* time and say which one they used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from garrison.errors import ConfigError
from garrison.model import ImageFacts

_OCI_EPOCH = datetime(2013, 3, 1, tzinfo=UTC)  # no container image predates Docker


@dataclass(frozen=True, slots=True)
class Age:
    days: float
    basis: str  # "created" | "pushed"
    since: str  # the ISO time the age is counted from


@dataclass(frozen=True, slots=True)
class GoldenImage:
    """An approved base image: its name, digest, created time and layer diff_ids."""

    name: str
    digest: str | None
    created: str | None
    diff_ids: tuple[str, ...]


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def image_age(facts: ImageFacts, now: datetime) -> Age | None:
    """Age from the earliest trustworthy of `created` and `pushed`.

    `created` is trusted when it is after 2013, not in the future and not after the push
    time; otherwise only `pushed` counts. None when neither is known or trustworthy.
    """
    pushed = parse_time(facts.pushed)
    created = parse_time(facts.created)
    candidates: list[tuple[datetime, str]] = []
    if pushed is not None and pushed <= now:
        candidates.append((pushed, "pushed"))
    if (
        created is not None
        and _OCI_EPOCH <= created <= now
        and (pushed is None or created <= pushed)
    ):
        candidates.append((created, "created"))
    if not candidates:
        return None
    since, basis = min(candidates)
    return Age(round((now - since).total_seconds() / 86400, 1), basis, since.isoformat())


def load_golden(text: str, source: str) -> tuple[GoldenImage, ...]:
    """A JSON list of {name, digest?, created?, diff_ids: [...]}; bad input is a ConfigError."""
    try:
        entries = json.loads(text)
        return tuple(
            GoldenImage(
                name=str(entry["name"]),
                digest=entry.get("digest"),
                created=entry.get("created"),
                diff_ids=tuple(str(d) for d in entry.get("diff_ids", ())),
            )
            for entry in entries
        )
    except (json.JSONDecodeError, TypeError, KeyError, AttributeError) as exc:
        raise ConfigError(f"{source}: not a list of golden images ({exc})") from None


def match_base(facts: ImageFacts, golden: Sequence[GoldenImage]) -> ImageFacts:
    """Fill in the base image from annotations, else from the longest golden layer prefix."""
    if facts.base_name or facts.base_digest:
        return facts
    annotations = dict(facts.annotations)
    name = annotations.get("org.opencontainers.image.base.name")
    digest = annotations.get("org.opencontainers.image.base.digest")
    if name or digest:
        return replace(facts, base_name=name, base_digest=digest)
    best = max(
        (g for g in golden if g.diff_ids and facts.diff_ids[: len(g.diff_ids)] == g.diff_ids),
        key=lambda g: len(g.diff_ids),
        default=None,
    )
    if best is None:
        return facts
    return replace(facts, base_name=best.name, base_digest=best.digest)


def base_age(facts: ImageFacts, golden: Sequence[GoldenImage], now: datetime) -> Age | None:
    """How old the base image is, when it is a known golden image with a created time."""
    for image in golden:
        same = (facts.base_digest and facts.base_digest == image.digest) or (
            facts.base_name and facts.base_name == image.name
        )
        created = parse_time(image.created)
        if same and created is not None and created <= now:
            return Age(
                round((now - created).total_seconds() / 86400, 1), "created", image.created or ""
            )
    return None
