"""One matter, one discussion (T5), the villager representatives' meeting: the discussion rules
(quorum, majority, the deadline to the meeting), the representatives on record, a meeting convened as it met (who came decides whether it may vote), each present
representative's vote on a studied proposal, and the count. A meeting without quorum is
recorded, but its votes are refused by the domain, and the page says so beside the form."""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import ValidationError

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from govnet_kit.worktime import SHANGHAI
from village_room.proposal import service as proposal_service
from village_room.proposal.models import RepresentativeMeeting
from village_room.proposal.schemas import MeetingIn, RepresentativeIn, RulesIn, VoteIn
from village_room.room import records as room_records
from village_room.web.common import PAGES, RecordId, flash, text, village_staff
from village_room.web.proposals import labels

router = PAGES.router()
DONE = {
    "added": ("村民代表已登记。", "Representative added."),
    "convened": ("会议已记录。", "Meeting recorded."),
    "voted": ("表决意见已记录。", "Votes recorded."),
    "rules": ("议事规则已保存。", "Rules saved."),
}
RULES = tuple(RulesIn.model_fields)


def _today() -> str:
    return utcnow().astimezone(SHANGHAI).date().isoformat()


async def _meetings(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    present: list[str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        rules = await proposal_service.rules_of(session, principal.place_code)
        reps = await proposal_service.representatives(session, place_code=principal.place_code)
        meetings = await proposal_service.recent_meetings(session, place_code=principal.place_code)
    return PAGES.render(
        request,
        "meetings.html",
        {
            "rules": rules,
            "reps": reps,
            "meetings": meetings,
            "present": present or [],
            "errors": errors or pages.FormErrors(),
            "values": {
                "held_on": _today(),
                **{name: str(getattr(rules, name)) for name in RULES},
                **(values or {}),
            },
            "today": _today(),
            "flash": flash(request, DONE),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/meetings")
async def meetings(request: Request) -> Response:
    return await _meetings(request, await village_staff(request))


def _rule_errors(exc: ValidationError) -> pages.FormErrors:
    """The schema's bounds said in both languages, beside each number."""
    out = pages.FormErrors()
    for err in exc.errors():
        name, bound = str(err["loc"][-1]), err.get("ctx") or {}
        if err["type"] == "greater_than_equal":
            out.add(name, f"不能小于 {bound['ge']}", f"at least {bound['ge']}")
        elif err["type"] == "less_than_equal":
            out.add(name, f"不能大于 {bound['le']}", f"at most {bound['le']}")
        else:
            out.add(name, "请填写整数", "a whole number")
    return out


@router.post("/duty/discussion-rules")
async def set_rules(request: Request) -> Response:
    """The quorum, the majority and the deadline, set by the village's own staff (as the JSON
    API's PUT .../discussion-rules); a meeting keeps the quorum it was convened under."""
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {name: text(form, name, 3) for name in RULES}
    try:
        body = RulesIn.model_validate(values)
        async with transaction(get_runtime(request).sessions) as session:
            await proposal_service.set_rules(
                session,
                place_code=principal.place_code,
                staff_id=principal.subject,
                **body.model_dump(),
            )
    except ValidationError as exc:
        return await _meetings(request, principal, errors=_rule_errors(exc), values=values)
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "quorum_numerator"})
        return await _meetings(request, principal, errors=errors, values=values)
    return PAGES.redirect(request, "/duty/meetings?done=rules")


@router.post("/duty/representatives")
async def add_representative(request: Request) -> Response:
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {
        "display_name": text(form, "display_name", 50),
        "group_name": text(form, "group_name", 50),
    }
    try:
        body = RepresentativeIn.model_validate(values)
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _meetings(request, principal, errors=errors, values=values)
    async with transaction(get_runtime(request).sessions) as session:
        await proposal_service.add_representative(
            session,
            place_code=principal.place_code,
            staff_id=principal.subject,
            **body.model_dump(),
        )
    return PAGES.redirect(request, "/duty/meetings?done=added")


@router.post("/duty/meetings")
async def convene(request: Request) -> Response:
    """The meeting as it met; without quorum it is recorded all the same, and may not vote."""
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {"held_on": text(form, "held_on", 10)}
    present = [str(v)[:36] for v in form.getlist("present_representative_ids")][:501]
    try:
        body = MeetingIn.model_validate({**values, "present_representative_ids": present})
        async with transaction(get_runtime(request).sessions) as session:
            meeting = await proposal_service.convene(
                session,
                place_code=principal.place_code,
                staff_id=principal.subject,
                **body.model_dump(),
            )
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _meetings(request, principal, errors=errors, values=values, present=present)
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "present_representative_ids"})
        return await _meetings(request, principal, errors=errors, values=values, present=present)
    return PAGES.redirect(request, f"/duty/meetings/{meeting.id}?done=convened")


async def _meeting_page(
    request: Request,
    principal: Principal,
    meeting_id: str,
    *,
    errors: pages.FormErrors | None = None,
    errors_for: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    """The meeting, and each proposal before it: those studied and not at another meeting (a
    form per proposal: a vote per present representative, then the count) and those it decided."""
    place = principal.place_code
    async with transaction(get_runtime(request).sessions) as session:
        meeting = await room_records.get_at_place(
            session, RepresentativeMeeting, meeting_id, place_code=place, what_zh="村民代表会议"
        )
        reps = {r.id: r for r in await proposal_service.representatives(session, place_code=place)}
        before = [
            p
            for p in await proposal_service.list_at(session, place_code=place)
            if (p.status == "studied" and p.meeting_id in (None, meeting.id))
            or (p.meeting_id == meeting.id and p.decided_at is not None)
        ]
        votes = {p.id: await proposal_service.votes_of(session, p.id) for p in before}
    no_quorum = None if meeting.quorate else proposal_service.quorum_message(meeting)
    return PAGES.render(
        request,
        "meeting.html",
        {
            "meeting": meeting,
            "present": [reps[i] for i in meeting.present_ids if i in reps],
            "no_quorum": no_quorum and (no_quorum[1], no_quorum[0]),
            "proposals": [
                (p, votes[p.id], {v.representative_id for v, _ in votes[p.id]}) for p in before
            ],
            **labels(pages.language(request)),
            "errors": errors or pages.FormErrors(),
            "errors_for": errors_for,
            "values": values or {},
            "flash": flash(request, DONE),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/meetings/{meeting_id}")
async def meeting(request: Request, meeting_id: RecordId) -> Response:
    return await _meeting_page(request, await village_staff(request), meeting_id)


@router.post("/duty/meetings/{meeting_id}/proposals/{proposal_id}/votes")
async def record_votes(request: Request, meeting_id: RecordId, proposal_id: RecordId) -> Response:
    """Each present representative's vote (`vote_<id>`: for, against or abstain; empty: not
    cast now), all in one transaction: one refusal and none of them is recorded."""
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {str(k): str(v)[:10] for k, v in form.items() if str(k).startswith("vote_") and str(v)}
    errors = pages.FormErrors()
    ballots = []
    for name, how in values.items():
        try:
            ballots.append(VoteIn(representative_id=name.removeprefix("vote_")[:36], vote=how))  # type: ignore[arg-type]
        except ValidationError as exc:
            errors.add(name, *next(iter(pages.FormErrors.from_validation(exc).by_field.values())))
    if not ballots and not errors:
        errors.add(
            "votes", "请至少选择一位代表的表决意见", "choose at least one representative's vote"
        )
    current = ""
    if not errors:
        try:
            async with transaction(get_runtime(request).sessions) as session:
                for ballot in ballots:
                    current = f"vote_{ballot.representative_id}"
                    await proposal_service.cast_vote(
                        session,
                        place_code=principal.place_code,
                        meeting_id=meeting_id,
                        proposal_id=proposal_id,
                        staff_id=principal.subject,
                        **ballot.model_dump(),
                    )
        except DomainError as exc:
            # No quorum, or the proposal not (or no longer) before this meeting: beside the form;
            # a representative absent or who has voted: beside their own choice.
            errors = pages.FormErrors.from_domain(
                exc,
                rename={
                    "representative_id": current,
                    "meeting_id": "votes",
                    "proposal_id": "votes",
                    "id": "votes",
                    "": "votes",
                },
            )
    if errors:
        return await _meeting_page(
            request, principal, meeting_id, errors=errors, errors_for=proposal_id, values=values
        )
    return PAGES.redirect(request, f"/duty/meetings/{meeting_id}?done=voted")


@router.post("/duty/meetings/{meeting_id}/proposals/{proposal_id}/decision")
async def decide(request: Request, meeting_id: RecordId, proposal_id: RecordId) -> Response:
    """Count the votes; the proposal's page then shows the decision, to be published."""
    principal = await village_staff(request)
    await pages.form_data(request)
    try:
        async with transaction(get_runtime(request).sessions) as session:
            await proposal_service.decide(
                session,
                place_code=principal.place_code,
                meeting_id=meeting_id,
                proposal_id=proposal_id,
                staff_id=principal.subject,
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(
            exc,
            rename={"meeting_id": "decide", "proposal_id": "decide", "id": "decide", "": "decide"},
        )
        return await _meeting_page(
            request, principal, meeting_id, errors=errors, errors_for=proposal_id
        )
    return PAGES.redirect(request, f"/duty/proposals/{proposal_id}?done=decided")
