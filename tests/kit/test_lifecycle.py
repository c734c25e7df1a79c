"""The lifecycle machines (L1-L4): every pair of statuses is either a listed step or refused
with a clear bilingual message, and the tables keep the rules a citizen relies on."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import pytest

from govnet.common.v1 import case_pb2
from govnet_kit import lifecycle
from govnet_kit.errors import Conflict

S = case_pb2
ALL_STATUSES = [v for v in S.CaseStatus.values() if v != S.CASE_STATUS_UNSPECIFIED]
UNDECIDED = {
    S.CASE_STATUS_ACCEPTED,
    S.CASE_STATUS_TRANSMITTED,
    S.CASE_STATUS_RECEIVED,
    S.CASE_STATUS_PENDING_DECISION,
    S.CASE_STATUS_IN_REVIEW,
    S.CASE_STATUS_SUSPENDED,
}

# The legal steps, written out once more by hand: a change to a machine must change this too.
EXPECTED = {
    "agency": {
        ("accepted", "transmitted"),
        ("accepted", "withdrawn"),
        ("transmitted", "suspended"),
        ("transmitted", "reply_ready"),
        ("transmitted", "withdrawn"),
        ("suspended", "transmitted"),
        ("suspended", "reply_ready"),
        ("suspended", "withdrawn"),
        ("reply_ready", "replied"),
        ("replied", "closed"),
        ("withdrawn", "closed"),
    },
    "submission": {
        ("consulted", "redirected"),
        ("consulted", "incomplete"),
        ("consulted", "accepted"),
        ("incomplete", "incomplete"),
        ("incomplete", "accepted"),
    },
    "assisted": {
        ("received", "transmitted"),
        ("received", "withdrawn"),
        ("transmitted", "suspended"),
        ("transmitted", "approved"),
        ("transmitted", "refused"),
        ("transmitted", "deemed_approved"),
        ("transmitted", "withdrawn"),
        ("suspended", "transmitted"),
        ("suspended", "approved"),
        ("suspended", "refused"),
        ("suspended", "deemed_approved"),
        ("suspended", "withdrawn"),
        ("approved", "closed"),
        ("refused", "closed"),
        ("deemed_approved", "closed"),
        ("withdrawn", "closed"),
    },
    "direct": {
        ("accepted", "approved"),
        ("accepted", "refused"),
        ("accepted", "withdrawn"),
        ("approved", "replied"),
        ("refused", "replied"),
        ("replied", "closed"),
        ("withdrawn", "closed"),
    },
    "commitment": {
        ("accepted", "in_review"),
        ("accepted", "deemed_approved"),
        ("accepted", "withdrawn"),
        ("pending_decision", "in_review"),
        ("pending_decision", "deemed_approved"),
        ("pending_decision", "withdrawn"),
        ("in_review", "suspended"),
        ("in_review", "approved"),
        ("in_review", "refused"),
        ("in_review", "deemed_approved"),
        ("in_review", "withdrawn"),
        ("suspended", "in_review"),
        ("suspended", "withdrawn"),
        ("approved", "replied"),
        ("approved", "closed"),
        ("refused", "replied"),
        ("refused", "closed"),
        ("deemed_approved", "replied"),
        ("deemed_approved", "closed"),
        ("replied", "closed"),
        ("withdrawn", "closed"),
    },
}


@dataclass
class Case:
    status: int


def _steps(machine: lifecycle.Machine) -> set[tuple[str, str]]:
    return {
        (lifecycle.name(a), lifecycle.name(b))
        for a, b in product(ALL_STATUSES, ALL_STATUSES)
        if machine.allows(a, b)
    }


@pytest.mark.parametrize("key", sorted(EXPECTED) + ["joint"])
def test_every_pair_is_a_listed_step_or_refused(key):
    machine = next(m for m in lifecycle.MACHINES if m.key == key)
    key = "commitment" if key == "joint" else key  # the joint meeting adds no steps yet
    assert _steps(machine) == EXPECTED[key]
    for a, b in product(ALL_STATUSES, ALL_STATUSES):
        case = Case(a)
        if (lifecycle.name(a), lifecycle.name(b)) in EXPECTED[key]:
            assert machine.move(case, b) == a
            assert case.status == b
        else:
            with pytest.raises(Conflict) as err:
                machine.move(case, b)
            assert case.status == a, "a refused step changes nothing"
            assert err.value.field == "status"
            assert lifecycle.name(b) in str(err.value)
            assert lifecycle.NAMES_ZH[b] in err.value.message_zh


@pytest.mark.parametrize("machine", lifecycle.MACHINES, ids=lambda m: m.key)
def test_a_decision_is_never_undone(machine):
    for decided, target in product(lifecycle.DECIDED, UNDECIDED | lifecycle.DECIDED):
        if decided != target:
            assert not machine.allows(decided, target)


@pytest.mark.parametrize("machine", lifecycle.MACHINES, ids=lambda m: m.key)
def test_every_status_is_reachable_and_every_case_can_end(machine):
    reachable = set(machine.initial)
    frontier = list(machine.initial)
    while frontier:
        for nxt in machine.steps.get(frontier.pop(), ()):
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == machine.states()
    terminal = {s for s in machine.states() if not machine.steps.get(s)}
    if machine.key == "submission":
        assert terminal == {S.CASE_STATUS_REDIRECTED, S.CASE_STATUS_ACCEPTED}
    else:
        assert terminal == {S.CASE_STATUS_CLOSED}


@pytest.mark.parametrize("machine", [lifecycle.AGENCY, lifecycle.ASSISTED, lifecycle.COMMITMENT])
def test_withdrawal_is_open_until_the_decision(machine):
    for status in machine.states() & UNDECIDED:
        assert machine.allows(status, S.CASE_STATUS_WITHDRAWN), lifecycle.name(status)


def test_no_deemed_approval_while_the_clock_is_stopped():
    assert not lifecycle.COMMITMENT.allows(S.CASE_STATUS_SUSPENDED, S.CASE_STATUS_DEEMED_APPROVED)
    # Decided on the spot: there is no clock, so no default.
    assert S.CASE_STATUS_DEEMED_APPROVED not in lifecycle.DIRECT.states()


def test_the_machines_are_published_as_data():
    described = {m["key"]: m for m in lifecycle.describe()}
    assert set(described) == {"submission", "agency", "assisted", "commitment", "direct", "joint"}
    assert "deemed_approved" in described["commitment"]["steps"]["in_review"]
