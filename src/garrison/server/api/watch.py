"""`/api/v1/registries`: the watched registries, and a poll on demand (the scheduled
registry-watch and golden-image-watch jobs, run now: for CD that has just pushed an image)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from garrison.server.api.deps import Reader, ReadSession, ServerDep, Writer
from garrison.server.db.models import Registry
from garrison.server.golden import follow_golden_images
from garrison.server.registries import poll_registries

router = APIRouter(prefix="/api/v1", tags=["registries"])


class RegistryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    url: str
    repository: str
    last_polled_at: datetime | None


class PollOut(BaseModel):
    polled: int
    added: list[str]
    skipped: int
    golden_changed: list[str]
    warnings: list[str]


@router.get("/registries", response_model=list[RegistryOut])
def list_registries(principal: Reader, session: ReadSession) -> list[RegistryOut]:
    """The registries the server watches (from its settings) and when each was last polled."""
    rows = session.execute(select(Registry).order_by(Registry.url, Registry.repository))
    return [RegistryOut.model_validate(row) for row in rows.scalars()]


@router.post("/registries/poll", response_model=PollOut)
async def poll_now(server: ServerDep, principal: Writer) -> PollOut:
    """Poll every watched registry and follow the golden images now; new images are
    inventoried and matched. A registry that fails is a warning in the answer."""
    polled = await run_in_threadpool(poll_registries, server)
    golden = await run_in_threadpool(follow_golden_images, server)
    return PollOut(
        polled=polled.polled, added=list(polled.added), skipped=polled.skipped,
        golden_changed=list(golden.changed),
        warnings=[*polled.warnings, *golden.warnings],
    )  # fmt: skip
