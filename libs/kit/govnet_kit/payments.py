"""Online payment through a provider (C6): the interface, and a test provider for dev and tests.

A provider takes an order for an amount and our reference, sends the payer to its pay page,
and tells us the outcome twice: in a signed callback it POSTs to us, and when we query the
order. Callbacks are public, so only the signature (HMAC-SHA256 of the raw body with a shared
secret) makes one believable; the order's outcome is applied once, by provider order id.

`TestPaymentProvider` moves no money and touches no network. Like GOV.UK Notify's test keys, its
outcome is deterministic, chosen by the amount's last two fen digits:

    ...02 fen -> declined      ...03 fen -> pending (never settles)      anything else -> paid
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

from govnet_kit.errors import InvalidArgument, NotFound, PermissionDenied, Unavailable

OrderStatus = Literal["pending", "paid", "declined"]
STATUSES: frozenset[str] = frozenset({"pending", "paid", "declined"})
SIGNATURE_HEADER = "X-Payment-Signature"
DECLINED_FEN, PENDING_FEN = 2, 3


@dataclass(frozen=True)
class Order:
    provider_order_id: str
    reference: str
    amount_fen: int
    status: OrderStatus
    pay_url: str = ""


class PaymentProvider(Protocol):
    name: str

    async def create_order(self, *, amount_fen: int, reference: str, description: str) -> Order:
        """A new order; the payer completes it at `pay_url`."""
        ...

    async def query_order(self, provider_order_id: str) -> Order: ...

    def verify_callback(self, body: bytes, signature: str) -> Order:
        """The order a callback reports, if its signature verifies; else PermissionDenied."""
        ...


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _refused() -> PermissionDenied:
    return PermissionDenied(
        "payment callback signature does not verify",
        message_zh="支付回调签名无效",
        field="signature",
    )


def verify_signed(secret: bytes, body: bytes, signature: str) -> Order:
    """Check the HMAC in constant time, then parse the body as an order report."""
    if not secret or not hmac.compare_digest(sign(secret, body), signature or ""):
        raise _refused()
    try:
        data = json.loads(body)
        order = Order(
            provider_order_id=str(data["order_id"]),
            reference=str(data["reference"]),
            amount_fen=int(data["amount_fen"]),
            status=data["status"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidArgument(
            "payment callback body is not an order report",
            message_zh="支付回调内容格式错误",
            field="body",
        ) from exc
    if order.status not in STATUSES:
        raise InvalidArgument(
            f"unknown payment status {order.status!r}",
            message_zh="支付状态无效",
            field="status",
        )
    return order


class TestPaymentProvider:
    """In process and deterministic (see the module's docstring); signs like a real provider."""

    __test__ = False  # not a pytest class
    name = "test"

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the callback secret must be at least 16 bytes")
        self._secret = secret
        self._orders: dict[str, Order] = {}

    @staticmethod
    def outcome(amount_fen: int) -> OrderStatus:
        cents = amount_fen % 100
        return (
            "declined" if cents == DECLINED_FEN else "pending" if cents == PENDING_FEN else "paid"
        )

    async def create_order(self, *, amount_fen: int, reference: str, description: str) -> Order:
        if amount_fen <= 0:
            raise InvalidArgument(
                "an order needs a positive amount", message_zh="支付金额无效", field="amount_fen"
            )
        order_id = "test-" + uuid.uuid4().hex
        order = Order(
            provider_order_id=order_id,
            reference=reference,
            amount_fen=amount_fen,
            status=self.outcome(amount_fen),
            pay_url=f"https://payments.invalid/test/{order_id}",
        )
        self._orders[order_id] = order
        return order

    async def query_order(self, provider_order_id: str) -> Order:
        order = self._orders.get(provider_order_id)
        if order is None:
            raise NotFound(
                f"no order {provider_order_id} at the provider",
                message_zh="支付机构无此订单",
                field="provider_order_id",
            )
        return order

    def callback(self, provider_order_id: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers the provider would POST for a settled order."""
        order = self._orders[provider_order_id]
        body = json.dumps(
            {
                "order_id": order.provider_order_id,
                "reference": order.reference,
                "amount_fen": order.amount_fen,
                "status": order.status,
            },
            sort_keys=True,
        ).encode()
        return body, {
            SIGNATURE_HEADER: sign(self._secret, body),
            "Content-Type": "application/json",
        }

    def verify_callback(self, body: bytes, signature: str) -> Order:
        return verify_signed(self._secret, body, signature)


class NoPaymentProvider:
    """No provider configured: online payment is unavailable; the window still collects."""

    name = "none"

    def _unavailable(self) -> Unavailable:
        return Unavailable(
            "online payment is not available here; pay at the window",
            message_zh="暂未开通网上缴费，请到窗口缴纳",
        )

    async def create_order(self, *, amount_fen: int, reference: str, description: str) -> Order:
        raise self._unavailable()

    async def query_order(self, provider_order_id: str) -> Order:
        raise self._unavailable()

    def verify_callback(self, body: bytes, signature: str) -> Order:
        raise _refused()


def make_provider(name: str, secret: bytes) -> PaymentProvider:
    if name == "test":
        return TestPaymentProvider(secret)
    if name == "none":
        return NoPaymentProvider()
    raise ValueError(f"unknown payment provider {name!r}")
