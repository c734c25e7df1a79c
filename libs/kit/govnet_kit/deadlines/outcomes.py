"""What the timeout default decides, the same at every tier: deemed approved where the
department adopted the double default and the law does not exclude the item, else a flag to the
supervisor; the deemed approval's document; the audit entries of a batch of outcomes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit

ACTOR = "system:deadline"
REASON_CODE = "timeout_default"
# What the supervisor is shown for an overdue case (the flag kinds every tier uses).
DEEMED_APPROVED = "deemed_approved"
OVERDUE_EXCLUDED = "overdue_excluded"  # the law excludes the item from the default
OVERDUE_NO_DEFAULT = "overdue_no_default"  # the department has not adopted the default


@dataclass(frozen=True)
class Verdict:
    """Deemed approved where the department adopted the double default and the law does not
    exclude the item; otherwise a flag to the supervisor, with the reason."""

    kind: str
    note: str
    basis: str = ""  # the department's document adopting the default, and its date

    @property
    def deemed(self) -> bool:
        return self.kind == DEEMED_APPROVED


def verdict(item: catalog_pb2.CatalogItem) -> Verdict:
    if item.law_excludes_default:
        return Verdict(
            OVERDUE_EXCLUDED, "法律排除超时默认 / the law excludes this item from the default"
        )
    if not item.double_default_document:
        return Verdict(
            OVERDUE_NO_DEFAULT, "部门未实行超时默认 / the department has not adopted the default"
        )
    basis = f"{item.double_default_document}（{item.double_default_date}）"
    return Verdict(DEEMED_APPROVED, f"超时默认 {basis}", basis)


@dataclass(frozen=True)
class DeemedDocument:
    title: str
    text: str
    credential_id: str  # in place of a credential: the document that adopted the default


def deemed_document(item: catalog_pb2.CatalogItem, case_number: str, number: str) -> DeemedDocument:
    """The result document of a deemed approval, in both languages."""
    basis = verdict(item).basis
    return DeemedDocument(
        title=f"视为准予许可 / Deemed approved: {item.name_zh} / {item.name_en}"[:200],
        text=(
            f"办件 {case_number} 未在承诺时限内作出决定，依据 {basis} 实行的超时默认制度，"
            f"视为准予许可。文书编号 {number}。\n"
            f"Case {case_number} was not decided within the committed time limit; under "
            f"the timeout default adopted by {item.double_default_document} "
            f"({item.double_default_date}) it is deemed approved. Document {number}."
        ),
        credential_id=f"default:{item.double_default_document}"[:64],
    )


@dataclass(frozen=True)
class Outcome:
    """What the default did to one case, for its audit entry: `responsible` names the window
    and its department (L5); `document` is the deemed approval's number, if any."""

    case: Any
    verdict: Verdict
    responsible: dict[str, str]
    document: str = ""


def _outcome_record(outcome: Outcome, now: datetime) -> audit.Record:
    """The audit entry of a default or an overdue flag."""
    case, verdict = outcome.case, outcome.verdict
    if verdict.deemed:
        action = "case.deemed_approved"
        data = {
            **outcome.responsible,
            "document": outcome.document,
            "basis": verdict.basis,
            "deadline": case.deadline.isoformat(),
        }
    else:
        action, data = "case.overdue_flagged", {"kind": verdict.kind, **outcome.responsible}
    return audit.Record(actor=ACTOR, action=action, case_number=case.case_number, data=data, at=now)


async def record_outcomes(
    session: AsyncSession, outcomes: Sequence[Outcome], now: datetime
) -> None:
    """The audit entries of a batch of defaults and flags, one per case, under one lock of
    the chain's head."""
    await audit.append_many(session, [_outcome_record(o, now) for o in outcomes])


class Items:
    """The catalog versions a batch's cases were accepted under, each looked up once per
    batch (a version, once published, does not change)."""

    def __init__(self, look_up: Callable[[Any], Awaitable[catalog_pb2.CatalogItem]]):
        self._look_up = look_up  # a case's item version, as the tier reads it
        self._items: dict[tuple[str, int], catalog_pb2.CatalogItem] = {}

    async def of(self, case: Any) -> catalog_pb2.CatalogItem:
        key = (case.item_code, case.item_version)
        if key not in self._items:
            self._items[key] = await self._look_up(case)
        return self._items[key]
