"""Following golden images: for each golden image configured with a `reference`, read the
tag's current digest and build time from its registry (garrison's registry client; only the
manifest and the config are fetched) and store them when they changed (audited, actor
`golden-image-watch`). A change re-evaluates freshness at once, so every artifact built on
the previous base is "behind" from then on. A registry that fails is a warning; the stored
digest stays as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from garrison.errors import GarrisonError
from garrison.image.pull import pull
from garrison.server import sync
from garrison.server.api.deps import ServerContext
from garrison.server.config import GoldenImageSettings
from garrison.server.db.seed import store_golden_image

log = logging.getLogger("garrison.server")

ACTOR = "golden-image-watch"


@dataclass(frozen=True, slots=True)
class GoldenReport:
    """Golden images checked, those whose digest changed, warnings."""

    checked: int
    changed: tuple[str, ...]
    warnings: tuple[str, ...]


def follow_golden_images(context: ServerContext) -> GoldenReport:
    checked, changed, warnings = 0, [], []
    for golden in context.settings.golden_images:
        if golden.reference is None:
            continue
        try:
            current = _current(golden, golden.reference)
        except GarrisonError as exc:
            message = f"golden image {golden.name} ({golden.reference}): {exc}"
            log.warning("golden-image-watch: %s", message)
            warnings.append(message)
            continue
        checked += 1
        with context.database.session_scope() as session:
            _row, moved = store_golden_image(session, current, actor=ACTOR)
        if moved:
            changed.append(golden.name)
    if changed:
        sync.reconcile(context, actor=ACTOR)  # freshness: behind the new golden image
    return GoldenReport(checked, tuple(changed), tuple(warnings))


def _current(golden: GoldenImageSettings, reference: str) -> GoldenImageSettings:
    """The golden image as its reference's tag stands now."""
    image = pull(reference, insecure=golden.insecure)
    try:
        facts = image.facts
    finally:
        image.cleanup()
    return golden.model_copy(update={"digest": facts.digest, "created": facts.created})
