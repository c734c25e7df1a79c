"""Complaints forwarded by the township halls' report boxes (S3), over gRPC: the township keeps
each report in its outbox until this answers, so none is lost on the way (decision 1)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import ValidationError

from city_center.complaint import service
from city_center.complaint.schemas import ComplaintIn
from govnet.citycenter.v1 import city_center_pb2
from govnet_kit.cases import from_ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import InvalidArgument, NotFound, Unavailable
from govnet_kit.grpcutil import current_principal

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime

# The township's own numbers: CP-<place code>-<yyyymmdd>-<sequence>.
TOWNSHIP_NUMBER = r"^CP-\d{12}-\d{8}-\d{4,5}$"


def _form(request: city_center_pb2.SubmitComplaintRequest) -> service.ComplaintForm:
    """The same checks as the public form's (ComplaintIn), each refusal naming its field."""
    fields = {
        "kind": request.kind or "complaint",
        "content": request.content,
        "contact": request.contact or None,
        "case_number": request.case_number or None,
        # A case names its own place (routing fills it from the case's clock).
        "place_code": None if request.case_number else request.place_code or None,
        "window_id": request.window_id or None,
        "person": request.person or None,
    }
    try:
        body = ComplaintIn(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"])
        raise InvalidArgument(err["msg"], message_zh="格式不正确", field=name) from exc
    return service.ComplaintForm(**{k: v for k, v in body.model_dump().items() if v is not None})


class ComplaintRpcs:
    """Mixed into CityCenterServicer (case/servicer.py)."""

    _rt: Runtime

    async def SubmitComplaint(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service("town-hall")
        if not re.match(TOWNSHIP_NUMBER, request.number):
            raise InvalidArgument(
                "number must be CP-<place code>-<yyyymmdd>-<sequence>",
                message_zh="投诉编号格式不正确",
                field="number",
            )
        if len(request.code) != service.CODE_LENGTH:
            raise InvalidArgument(
                f"code must be {service.CODE_LENGTH} characters",
                message_zh="查询码格式不正确",
                field="code",
            )
        form = _form(request)
        received_at = from_ts(request.received_at) if request.HasField("received_at") else None
        async with transaction(self._rt.sessions) as session:
            try:
                known = await service.get(session, request.number)
                return city_center_pb2.SubmitComplaintResponse(
                    number=known.number, created=False, status=known.status
                )
            except NotFound:
                pass
            try:
                complaint, _ = await service.submit(
                    session,
                    form,
                    now=received_at or utcnow(),
                    number=request.number,
                    code=request.code,
                )
            except NotFound as exc:
                # The township checked the case is its own; its events are on their way to
                # the supervision here. Ask again shortly rather than refuse (govnet_kit.calls).
                raise Unavailable(
                    exc.message, message_zh="监察系统尚未收到该办件，请稍后再试", field=exc.field
                ) from exc
        return city_center_pb2.SubmitComplaintResponse(
            number=complaint.number, created=True, status=complaint.status
        )
