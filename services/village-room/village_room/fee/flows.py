"""The online payment's calls to the provider, kept outside the database transactions: a slow
provider never holds a lock, and a failed commit leaves at most an unpaid order behind."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.payments import PaymentProvider
from village_room.case.models import VillageCase
from village_room.fee import service
from village_room.fee.models import PaymentOrder

log = logging.getLogger(__name__)


async def start_online(
    sessions: async_sessionmaker[AsyncSession],
    provider: PaymentProvider,
    *,
    case: VillageCase,
    actor: str,
) -> PaymentOrder:
    """Open an order with the provider (or return the one under way) and keep it."""
    async with transaction(sessions) as session:
        start = await service.prepare_online(session, case=case, actor=actor)
        if start.existing is not None:
            return start.existing
        amount = start.charge.amount_fen
    order = await provider.create_order(
        amount_fen=amount,
        reference=start.reference,
        description=f"{case.item_code} {case.case_number}",
    )
    async with transaction(sessions) as session:
        return await service.record_order(
            session, case=case, order=order, provider=provider.name, actor=actor
        )


async def reconcile(
    sessions: async_sessionmaker[AsyncSession], provider: PaymentProvider, *, case: VillageCase
) -> None:
    """Ask the provider about orders no callback has settled yet, and apply what it says."""
    async with transaction(sessions) as session:
        pending = await service.pending_orders(session, case=case)
    for order_id in pending:
        try:
            report = await provider.query_order(order_id)
            if report.status == "pending":
                continue
            async with transaction(sessions) as session:
                await service.apply_report(
                    session, report=report, actor=f"payment-provider:{provider.name}"
                )
        except DomainError as exc:  # the fee reads as it stands; the callback may still come
            log.warning("could not reconcile payment order %s: %s", order_id, exc.message)
