"""The test payment provider: deterministic outcomes by amount, callbacks signed with HMAC-SHA256
that verify only unchanged and only with the same secret."""

from __future__ import annotations

import json

import pytest

from govnet_kit.errors import InvalidArgument, PermissionDenied, Unavailable
from govnet_kit.payments import (
    SIGNATURE_HEADER,
    NoPaymentProvider,
    TestPaymentProvider,
    make_provider,
    sign,
)

SECRET = b"a-test-secret-of-enough-length"


@pytest.mark.parametrize(
    ("amount_fen", "outcome"), [(5000, "paid"), (2002, "declined"), (3003, "pending"), (1, "paid")]
)
async def test_the_outcome_is_chosen_by_the_amount(amount_fen, outcome):
    provider = TestPaymentProvider(SECRET)
    order = await provider.create_order(amount_fen=amount_fen, reference="R-1", description="x")
    assert order.status == outcome and order.amount_fen == amount_fen
    assert order.pay_url.endswith(order.provider_order_id)
    assert (await provider.query_order(order.provider_order_id)) == order


async def test_a_callback_verifies_only_unchanged_and_with_the_same_secret():
    provider = TestPaymentProvider(SECRET)
    order = await provider.create_order(amount_fen=5000, reference="R-1", description="x")
    body, headers = provider.callback(order.provider_order_id)
    report = provider.verify_callback(body, headers[SIGNATURE_HEADER])
    assert (report.provider_order_id, report.status, report.amount_fen) == (
        order.provider_order_id,
        "paid",
        5000,
    )

    tampered = json.dumps({**json.loads(body), "amount_fen": 1}).encode()
    for forged_body, signature in [
        (tampered, headers[SIGNATURE_HEADER]),
        (body, ""),
        (body, sign(b"another-secret-of-enough-length", body)),
    ]:
        with pytest.raises(PermissionDenied) as err:
            provider.verify_callback(forged_body, signature)
        assert err.value.field == "signature" and err.value.message_zh == "支付回调签名无效"


def test_a_signed_body_that_is_not_a_report_is_invalid():
    with pytest.raises(InvalidArgument) as err:
        TestPaymentProvider(SECRET).verify_callback(b"[]", sign(SECRET, b"[]"))
    assert err.value.field == "body"


async def test_no_provider_means_pay_at_the_window():
    provider = make_provider("none", b"")
    assert isinstance(provider, NoPaymentProvider)
    with pytest.raises(Unavailable) as err:
        await provider.create_order(amount_fen=100, reference="R", description="x")
    assert "窗口" in err.value.message_zh and "window" in err.value.message
    with pytest.raises(PermissionDenied):
        provider.verify_callback(b"{}", sign(b"", b"{}"))


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError):
        TestPaymentProvider(b"short")
