"""One matter, one discussion (T5), the proposals: the room's list with the day by which each
must go to the representatives' meeting, a villager's proposal filed, the two committees'
study (or a duplicate merged into another), and the decision published. The meeting and its
votes are in `meetings.py`."""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import Field, ValidationError

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from village_room.applicant import service as applicant_service
from village_room.privacy import service as privacy_service
from village_room.proposal import service as proposal_service
from village_room.proposal.models import Proposal
from village_room.proposal.schemas import MergeIn, ProposalIn, StudyIn
from village_room.room.dependencies import calendar_of
from village_room.web.common import PAGES, RecordId, flash, person, text, village_staff

router = PAGES.router()
STATUSES = {
    "submitted": ("待两委研究", "awaiting the committees"),
    "studied": ("待会议表决", "awaiting the meeting's vote"),
    "merged": ("已合并", "merged"),
    "adopted": ("通过", "adopted"),
    "rejected": ("未通过", "rejected"),
}
VOTES = {"for": ("赞成", "for"), "against": ("反对", "against"), "abstain": ("弃权", "abstain")}
DONE = {
    "filed": ("议题已登记。", "Proposal filed."),
    "studied": ("两委研究意见已记录。", "The committees' opinion is recorded."),
    "merged": ("议题已合并。", "Proposal merged."),
    "decided": ("表决结果已计票。", "The votes are counted."),
    "published": ("决议已公布。", "Decision published."),
}
PERSON = "proposer_applicant_id"


class ProposalForm(ProposalIn):
    """The API's schema, the proposer typed by ID card number or record number (its shape
    checked by `person`, who it is found by the domain before filing)."""

    proposer_applicant_id: str | None = Field(default=None, max_length=36)


def labels(lang: str) -> dict[str, dict[str, str]]:
    """Status and vote names in the reader's language (the meeting page's too)."""
    i = 0 if lang == "zh" else 1
    return {
        "statuses": {k: v[i] for k, v in STATUSES.items()},
        "votes": {k: v[i] for k, v in VOTES.items()},
    }


def overdue(p: Proposal) -> bool:
    """Not yet before a meeting after its day (as the JSON API's `overdue`)."""
    return (
        p.status in proposal_service.OPEN
        and p.meeting_id is None
        and proposal_service.today() > p.deadline_day
    )


async def _list(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        rows = await proposal_service.list_at(session, place_code=principal.place_code)
    return PAGES.render(
        request,
        "proposals.html",
        {
            "rows": [(p, overdue(p)) for p in rows],
            **labels(pages.language(request)),
            "errors": errors or pages.FormErrors(),
            "values": values or {},
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/proposals")
async def proposals(request: Request) -> Response:
    return await _list(request, await village_staff(request))


@router.post("/duty/proposals")
async def file_proposal(request: Request) -> Response:
    """A villager's proposal, recorded with the day by which it must go to the meeting."""
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {
        "title": text(form, "title", 200),
        "content": text(form, "content", 8000),
        PERSON: text(form, PERSON, 36),
    }
    runtime = get_runtime(request)
    errors = pages.FormErrors()
    proposer = person(values[PERSON], field=PERSON, errors=errors)
    try:
        body = ProposalForm.model_validate({**values, PERSON: proposer or None})
    except ValidationError as exc:
        for name, message in pages.FormErrors.from_validation(exc).by_field.items():
            errors.add(name, *message)
    if errors:
        return await _list(request, principal, errors=errors, values=values)
    try:
        async with transaction(runtime.sessions) as session:
            found = await applicant_service.resolve_here(
                session,
                [proposer] if proposer else [],
                place_code=principal.place_code,
                field=PERSON,
            )
            row = await proposal_service.submit(
                session,
                place_code=principal.place_code,
                staff_id=principal.subject,
                calendar=calendar_of(runtime),
                **{**body.model_dump(), PERSON: found[0] if found else None},
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "title"})
        return await _list(request, principal, errors=errors, values=values)
    return PAGES.redirect(request, f"/duty/proposals/{row.id}?done=filed")


async def _detail(
    request: Request,
    principal: Principal,
    proposal_id: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        p = await proposal_service.get(
            session, place_code=principal.place_code, proposal_id=proposal_id
        )
        votes = await proposal_service.votes_of(session, p.id)
        others = [
            o
            for o in await proposal_service.list_at(session, place_code=principal.place_code)
            if o.id != p.id and o.status in proposal_service.OPEN
        ]
        proposer = await privacy_service.masked_people(
            session, filter(None, [p.proposer_applicant_id]), place_code=principal.place_code
        )
    lang = pages.language(request)
    return PAGES.render(
        request,
        "proposal.html",
        {
            "p": p,
            "proposer": proposer.get(p.proposer_applicant_id or ""),
            "overdue": overdue(p),
            "open": p.status in proposal_service.OPEN,
            "votes_cast": votes,
            "others": others,
            **labels(lang),
            "errors": errors or pages.FormErrors(),
            "values": {"committees_opinion": p.committees_opinion, **(values or {})},
            "flash": flash(request, DONE),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/proposals/{proposal_id}")
async def proposal(request: Request, proposal_id: RecordId) -> Response:
    return await _detail(request, await village_staff(request), proposal_id)


@router.post("/duty/proposals/{proposal_id}/study")
async def study(request: Request, proposal_id: RecordId) -> Response:
    """The two committees' opinion: the proposal may then be put to the meeting."""
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {"committees_opinion": text(form, "committees_opinion", 8000)}
    try:
        body = StudyIn.model_validate(values)
        async with transaction(get_runtime(request).sessions) as session:
            await proposal_service.study(
                session,
                place_code=principal.place_code,
                proposal_id=proposal_id,
                staff_id=principal.subject,
                opinion=body.committees_opinion,
            )
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _detail(request, principal, proposal_id, errors=errors, values=values)
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(
            exc, rename={"proposal_id": "committees_opinion", "": "committees_opinion"}
        )
        return await _detail(request, principal, proposal_id, errors=errors, values=values)
    return PAGES.redirect(request, f"/duty/proposals/{proposal_id}?done=studied")


@router.post("/duty/proposals/{proposal_id}/merge")
async def merge(request: Request, proposal_id: RecordId) -> Response:
    """A duplicate goes into the proposal that carries on to the meeting."""
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {"into": text(form, "into", 36)}
    try:
        body = MergeIn.model_validate(values)
        async with transaction(get_runtime(request).sessions) as session:
            await proposal_service.merge(
                session,
                place_code=principal.place_code,
                proposal_id=proposal_id,
                into=body.into,
                staff_id=principal.subject,
            )
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _detail(request, principal, proposal_id, errors=errors, values=values)
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"proposal_id": "into", "": "into"})
        return await _detail(request, principal, proposal_id, errors=errors, values=values)
    return PAGES.redirect(request, f"/duty/proposals/{proposal_id}?done=merged")


@router.post("/duty/proposals/{proposal_id}/publish")
async def publish(request: Request, proposal_id: RecordId) -> Response:
    principal = await village_staff(request)
    await pages.form_data(request)
    try:
        async with transaction(get_runtime(request).sessions) as session:
            await proposal_service.publish(
                session,
                place_code=principal.place_code,
                proposal_id=proposal_id,
                staff_id=principal.subject,
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"proposal_id": "publish", "": "publish"})
        return await _detail(request, principal, proposal_id, errors=errors)
    return PAGES.redirect(request, f"/duty/proposals/{proposal_id}?done=published")
