"""A person's own data, for them (PIPL art. 45; issue 11): every applicant row accepted with
the phone they signed in with, decrypted, with its cases, the steps at every tier, replies,
fees and the audit entries that name the person or their cases. The export is itself an
entry in the audit chain (by reference only)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.audit import AuditEntry
from govnet_kit.auth import Principal
from village_room.applicant.service import phone_key, require_applicant
from village_room.case.models import Applicant, CaseStep, Reply, VillageCase, VillageCaseMaterial
from village_room.fee.models import FeeCharge

EXPORT_ACTION = "personal_data.exported"


def _status(value: int) -> str:
    try:
        return case_pb2.CaseStatus.Name(value)
    except ValueError:
        return str(value)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def export(session: AsyncSession, *, principal: Principal) -> dict[str, Any]:
    hashed = phone_key(require_applicant(principal))
    people = list(
        (
            await session.scalars(
                select(Applicant)
                .where(Applicant.phone_hash == hashed)
                .order_by(Applicant.created_at, Applicant.id)
            )
        ).all()
    )
    ids = [p.id for p in people]
    cases = (
        list(
            (
                await session.scalars(
                    select(VillageCase)
                    .where(VillageCase.applicant_id.in_(ids))
                    .order_by(VillageCase.accepted_at, VillageCase.case_number)
                )
            ).all()
        )
        if ids
        else []
    )
    case_ids = [c.id for c in cases]
    numbers = [c.case_number for c in cases]

    async def rows(model: Any, order: Any) -> list[Any]:
        if not case_ids:
            return []
        found = await session.scalars(
            select(model).where(model.case_id.in_(case_ids)).order_by(*order)
        )
        return list(found.all())

    steps = await rows(CaseStep, (CaseStep.occurred_at, CaseStep.event_id))
    materials = await rows(
        VillageCaseMaterial, (VillageCaseMaterial.supplement_no, VillageCaseMaterial.code)
    )
    replies = {r.case_id: r for r in await rows(Reply, (Reply.case_id,))}
    fees = {f.case_id: f for f in await rows(FeeCharge, (FeeCharge.case_id,))}

    refs = [f"applicant:{i}" for i in ids]
    conditions = [AuditEntry.actor == principal.subject]
    if refs:
        conditions.append(AuditEntry.subject_ref.in_(refs))
    if numbers:
        conditions.append(AuditEntry.case_number.in_(numbers))
    entries = (
        await session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.seq))
    ).all()

    out: dict[str, Any] = {
        "applicants": [
            {
                "id": p.id,
                "place_code": p.place_code,
                "name": p.name,
                "id_number": p.id_number,
                "phone": p.phone,
                "language": p.language,
                "channel": p.channel,
                "created_at": _iso(p.created_at),
            }
            for p in people
        ],
        "cases": [
            {
                "case_number": c.case_number,
                "applicant_id": c.applicant_id,
                "place_code": c.place_code,
                "item_code": c.item_code,
                "item_version": c.item_version,
                "department_code": c.department_code,
                "status": _status(c.status),
                "accepted_at": _iso(c.accepted_at),
                "deadline": _iso(c.deadline),
                "withdrawal_requested_at": _iso(c.withdrawal_requested_at),
                "withdrawal_reason": c.withdrawal_reason,
                "supplement_request": c.supplement_request,
                "materials": [
                    {
                        "code": m.code,
                        "filename": m.filename,
                        "content_type": m.content_type,
                        "sha256": m.sha256,
                        "size": len(m.content or b""),
                        "supplement_no": m.supplement_no,
                    }
                    for m in materials
                    if m.case_id == c.id
                ],
                "steps": [
                    {
                        "event_id": s.event_id,
                        "tier": s.tier,
                        "status": _status(s.status),
                        "reason_code": s.reason_code,
                        "occurred_at": _iso(s.occurred_at),
                    }
                    for s in steps
                    if s.case_id == c.id
                ],
                "reply": _reply(replies.get(c.id)),
                "fee": _fee(fees.get(c.id)),
            }
            for c in cases
        ],
        "audit": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "case_number": e.case_number,
                "subject_ref": e.subject_ref,
                "data": json.loads(e.data),
            }
            for e in entries
        ],
    }
    await audit.append(
        session,
        actor=principal.subject,
        action=EXPORT_ACTION,
        subject_ref=refs[0] if len(refs) == 1 else None,
        data={
            "applicants": refs,
            "cases": numbers,
            "audit_entries": len(entries),
        },
    )
    return out


def _reply(r: Reply | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "decision_status": _status(r.decision_status),
        "result_document_number": r.result_document_number,
        "document_title": r.document_title,
        "document_text": r.document_text,
        "legal_reason": r.legal_reason,
        "ready_at": _iso(r.ready_at),
        "handed_over_at": _iso(r.handed_over_at),
    }


def _fee(f: FeeCharge | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "item_code": f.item_code,
        "units": f.units,
        "amount_fen": f.amount_fen,
        "lines": f.lines,
        "fee_basis_zh": f.fee_basis_zh,
        "fee_basis_en": f.fee_basis_en,
        "status": f.status,
        "assessed_at": _iso(f.assessed_at),
        "method": f.method,
        "receipt_number": f.receipt_number,
        "paid_at": _iso(f.paid_at),
        "waiver_reason": f.waiver_reason,
    }
