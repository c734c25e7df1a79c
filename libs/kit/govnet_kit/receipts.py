"""Receipt numbers (C6): per place and year, issued in the payment's own transaction, so a
rolled-back payment leaves no gap. One table in each service that collects fees (the village
room, the township hall); a place code is unique across tiers, so numbers never collide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base
from govnet_kit.worktime import SHANGHAI


class ReceiptSequence(Base):
    """The last receipt number issued at a place in a year (Beijing time)."""

    __tablename__ = "receipt_sequence"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


async def next_number(session: AsyncSession, place_code: str, now: datetime) -> str:
    """`<place code>-R<year>-<000001>`: the row is locked until the payment commits."""
    year = now.astimezone(SHANGHAI).year
    key = (ReceiptSequence.place_code == place_code, ReceiptSequence.year == year)
    seq = await session.scalar(select(ReceiptSequence).where(*key).with_for_update())
    if seq is None:
        try:
            async with session.begin_nested():
                session.add(ReceiptSequence(place_code=place_code, year=year, last=0))
                await session.flush()
        except IntegrityError:
            pass  # a concurrent first receipt of the year made it
        seq = await session.scalar(select(ReceiptSequence).where(*key).with_for_update())
        assert seq is not None
    seq.last += 1
    await session.flush()
    return f"{place_code}-R{year}-{seq.last:06d}"
