"""The case lifecycle as data: one state machine per way a tier handles an item (L1-L4).

Every status change at every tier goes through `Machine.move`, so an illegal step is refused
with the same clear message everywhere, and the tables below are the whole truth about which
steps exist (DIGIT keeps its workflow as data for the same reason). Tests walk every pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit.errors import Conflict

S = case_pb2
DECIDED = frozenset({S.CASE_STATUS_APPROVED, S.CASE_STATUS_REFUSED, S.CASE_STATUS_DEEMED_APPROVED})

NAMES_ZH = {
    S.CASE_STATUS_CONSULTED: "咨询",
    S.CASE_STATUS_REDIRECTED: "告知去处",
    S.CASE_STATUS_INCOMPLETE: "一次性告知补正",
    S.CASE_STATUS_ACCEPTED: "已受理",
    S.CASE_STATUS_TRANSMITTED: "已上报",
    S.CASE_STATUS_RECEIVED: "已接收",
    S.CASE_STATUS_PENDING_DECISION: "待审查",
    S.CASE_STATUS_IN_REVIEW: "审查中",
    S.CASE_STATUS_SUSPENDED: "中止（待补正）",
    S.CASE_STATUS_APPROVED: "准予许可",
    S.CASE_STATUS_REFUSED: "不予许可",
    S.CASE_STATUS_DEEMED_APPROVED: "视为准予（超时默认）",
    S.CASE_STATUS_WITHDRAWN: "已撤回",
    S.CASE_STATUS_REPLY_READY: "待答复",
    S.CASE_STATUS_REPLIED: "已答复",
    S.CASE_STATUS_CLOSED: "已办结",
}


def name(status: int) -> str:
    """`approved`, `in_review`, ...: the status as code and people outside read it."""
    return S.CaseStatus.Name(status).removeprefix("CASE_STATUS_").lower()


@dataclass(frozen=True)
class Machine:
    key: str
    description: str
    initial: frozenset[int]
    steps: Mapping[int, frozenset[int]]

    def allows(self, current: int, target: int) -> bool:
        return target in self.steps.get(current, frozenset())

    def states(self) -> frozenset[int]:
        out = set(self.initial) | set(self.steps)
        for targets in self.steps.values():
            out |= targets
        return frozenset(out)

    def check(self, current: int, target: int) -> None:
        if self.allows(current, target):
            return
        allowed = sorted(self.steps.get(current, frozenset()))
        raise Conflict(
            f"a case that is {name(current)} cannot become {name(target)}"
            + (f" (it may become: {', '.join(name(s) for s in allowed)})" if allowed else ""),
            message_zh=f"办件当前状态为“{NAMES_ZH.get(current, name(current))}”，"
            f"不能变更为“{NAMES_ZH.get(target, name(target))}”",
            field="status",
        )

    def move(self, case: object, target: int) -> int:
        """Set `case.status` to target if the machine allows it; returns the old status."""
        current: int = case.status  # type: ignore[attr-defined]
        self.check(current, target)
        case.status = target  # type: ignore[attr-defined]
        return current


def _steps(table: dict[int, set[int]]) -> dict[int, frozenset[int]]:
    return {k: frozenset(v) for k, v in table.items()}


_WITHDRAWABLE = {S.CASE_STATUS_WITHDRAWN}
_DECIDE = {S.CASE_STATUS_APPROVED, S.CASE_STATUS_REFUSED}

# Before a case exists: what a visit or a submission can come to at the window (L1).
SUBMISSION = Machine(
    key="submission",
    description="A visit at the window: a question, a redirect, a one-time notice, or acceptance.",
    initial=frozenset({S.CASE_STATUS_CONSULTED}),
    steps=_steps(
        {
            S.CASE_STATUS_CONSULTED: {
                S.CASE_STATUS_REDIRECTED,
                S.CASE_STATUS_INCOMPLETE,
                S.CASE_STATUS_ACCEPTED,
            },
            # A later notice for the same submission, or acceptance once complete.
            S.CASE_STATUS_INCOMPLETE: {S.CASE_STATUS_INCOMPLETE, S.CASE_STATUS_ACCEPTED},
        }
    ),
)

# The village applies as agent for an item decided above it (T4, 代办).
AGENCY = Machine(
    key="agency",
    description="Village: accept as agent, transmit up, mirror a suspension, hand over the reply.",
    initial=frozenset({S.CASE_STATUS_ACCEPTED}),
    steps=_steps(
        {
            S.CASE_STATUS_ACCEPTED: {S.CASE_STATUS_TRANSMITTED} | _WITHDRAWABLE,
            S.CASE_STATUS_TRANSMITTED: {S.CASE_STATUS_SUSPENDED, S.CASE_STATUS_REPLY_READY}
            | _WITHDRAWABLE,
            # The supplement went up: back to waiting for the decision.
            S.CASE_STATUS_SUSPENDED: {S.CASE_STATUS_TRANSMITTED, S.CASE_STATUS_REPLY_READY}
            | _WITHDRAWABLE,
            S.CASE_STATUS_REPLY_READY: {S.CASE_STATUS_REPLIED},
            S.CASE_STATUS_REPLIED: {S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_WITHDRAWN: {S.CASE_STATUS_CLOSED},
        }
    ),
)

# The township accepts and forwards an item the city decides (C3 assisted).
ASSISTED = Machine(
    key="assisted",
    description="Township: receive from a village, escalate to the city, learn the decision.",
    initial=frozenset({S.CASE_STATUS_RECEIVED}),
    steps=_steps(
        {
            S.CASE_STATUS_RECEIVED: {S.CASE_STATUS_TRANSMITTED} | _WITHDRAWABLE,
            S.CASE_STATUS_TRANSMITTED: {S.CASE_STATUS_SUSPENDED} | DECIDED | _WITHDRAWABLE,
            S.CASE_STATUS_SUSPENDED: {S.CASE_STATUS_TRANSMITTED} | DECIDED | _WITHDRAWABLE,
            S.CASE_STATUS_APPROVED: {S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_REFUSED: {S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_DEEMED_APPROVED: {S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_WITHDRAWN: {S.CASE_STATUS_CLOSED},
        }
    ),
)

# The deciding tier within its committed time limit (承诺件); joint items share it until the
# joint meeting adds its own steps.
COMMITMENT = Machine(
    key="commitment",
    description="Deciding tier: review, suspend for a supplement, decide or be deemed to consent.",
    initial=frozenset({S.CASE_STATUS_PENDING_DECISION, S.CASE_STATUS_ACCEPTED}),
    steps=_steps(
        {
            S.CASE_STATUS_ACCEPTED: {S.CASE_STATUS_IN_REVIEW, S.CASE_STATUS_DEEMED_APPROVED}
            | _WITHDRAWABLE,
            S.CASE_STATUS_PENDING_DECISION: {
                S.CASE_STATUS_IN_REVIEW,
                S.CASE_STATUS_DEEMED_APPROVED,
            }
            | _WITHDRAWABLE,
            S.CASE_STATUS_IN_REVIEW: {S.CASE_STATUS_SUSPENDED, S.CASE_STATUS_DEEMED_APPROVED}
            | _DECIDE
            | _WITHDRAWABLE,
            # Resumed by the supplement; the clock runs again.
            S.CASE_STATUS_SUSPENDED: {S.CASE_STATUS_IN_REVIEW} | _WITHDRAWABLE,
            S.CASE_STATUS_APPROVED: {S.CASE_STATUS_REPLIED, S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_REFUSED: {S.CASE_STATUS_REPLIED, S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_DEEMED_APPROVED: {S.CASE_STATUS_REPLIED, S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_REPLIED: {S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_WITHDRAWN: {S.CASE_STATUS_CLOSED},
        }
    ),
)

# Decided on the spot at the window (即办件): no clock to suspend.
DIRECT = Machine(
    key="direct",
    description="Deciding tier, on the spot: accept and decide at the window.",
    initial=frozenset({S.CASE_STATUS_ACCEPTED}),
    steps=_steps(
        {
            S.CASE_STATUS_ACCEPTED: _DECIDE | _WITHDRAWABLE,
            S.CASE_STATUS_APPROVED: {S.CASE_STATUS_REPLIED},
            S.CASE_STATUS_REFUSED: {S.CASE_STATUS_REPLIED},
            S.CASE_STATUS_REPLIED: {S.CASE_STATUS_CLOSED},
            S.CASE_STATUS_WITHDRAWN: {S.CASE_STATUS_CLOSED},
        }
    ),
)

JOINT = Machine(
    key="joint",
    description="Deciding tier, several departments in a joint meeting (steps as commitment).",
    initial=COMMITMENT.initial,
    steps=COMMITMENT.steps,
)

BY_HANDLING: dict[int, Machine] = {
    catalog_pb2.HANDLING_AGENCY: AGENCY,
    catalog_pb2.HANDLING_ASSISTED: ASSISTED,
    catalog_pb2.HANDLING_COMMITMENT: COMMITMENT,
    catalog_pb2.HANDLING_JOINT: JOINT,
    catalog_pb2.HANDLING_DIRECT: DIRECT,
}
MACHINES = (SUBMISSION, AGENCY, ASSISTED, COMMITMENT, DIRECT, JOINT)


def for_handling(handling: int) -> Machine:
    try:
        return BY_HANDLING[handling]
    except KeyError:
        raise Conflict(
            "this tier does not handle the item", message_zh="本层级不办理该事项"
        ) from None


def describe() -> list[dict[str, object]]:
    """The machines as plain data, for the API and the docs."""
    return [
        {
            "key": m.key,
            "description": m.description,
            "initial": sorted(name(s) for s in m.initial),
            "steps": {
                name(src): sorted(name(t) for t in targets)
                for src, targets in sorted(m.steps.items())
            },
        }
        for m in MACHINES
    ]
