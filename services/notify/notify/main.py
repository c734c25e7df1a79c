"""The notify process: consumes every case status change, tells the case's recipients (N1) and
delivers what it told them, in the background, by SMS, email or the in-app inbox; and logs the
thin events for other government systems' subscriptions, posting each to its subscribers (A3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.notify.v1 import notify_pb2_grpc
from govnet_kit.consumer import DurableConsumer, exponential_delay
from govnet_kit.messaging import NatsLink
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app
from notify.config import NotifySettings
from notify.dead_letter import service as dead_letter_service
from notify.notification.channels import build_channels
from notify.notification.delivery import RetryPolicy
from notify.notification.handlers import (
    STATUS_SUBJECTS,
    handle_case_status,
    handle_case_statuses,
)
from notify.notification.servicer import NotifyServicer
from notify.notification.worker import DeliveryWorker
from notify.subscription import handlers as subscription_handlers
from notify.subscription.router import router as subscription_router
from notify.subscription.service import CallbackPolicy
from notify.subscription.worker import SubscriptionWorker


@dataclass(frozen=True)
class Notify:
    runtime: Runtime
    app: FastAPI
    consumer: DurableConsumer
    worker: DeliveryWorker
    subscription_consumer: DurableConsumer
    subscription_worker: SubscriptionWorker


def retry_policy(settings: NotifySettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.delivery_max_attempts,
        base=timedelta(seconds=settings.delivery_retry_base_seconds),
        cap=timedelta(seconds=settings.delivery_retry_max_seconds),
    )


def subscription_policy(settings: NotifySettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.subscription_max_attempts,
        base=timedelta(seconds=settings.subscription_retry_base_seconds),
        cap=timedelta(seconds=settings.subscription_retry_max_seconds),
    )


def callback_policy(settings: NotifySettings) -> CallbackPolicy:
    return CallbackPolicy(
        hosts=tuple(h.strip().lower() for h in settings.subscription_callback_hosts if h.strip()),
        allow_http=settings.subscription_allow_http,
        max_per_client=settings.subscription_max_per_client,
    )


def status_consumer(
    link: NatsLink,
    sessions: async_sessionmaker[AsyncSession],
    settings: NotifySettings,
    *,
    after_commit: Callable[[], None] | None = None,
) -> DurableConsumer:
    """The `notify` durable consumer of every status event, with its dead-letter store; what
    one fetch brings is handled in one transaction (one by one if that fails)."""
    return DurableConsumer(
        link,
        sessions,
        durable="notify",
        stream="GOVNET_CASES",
        subjects=STATUS_SUBJECTS,
        handler=handle_case_status,
        batch_handler=handle_case_statuses,
        max_deliver=settings.consumer_max_deliver,
        after_commit=after_commit,
        on_dead_letter=dead_letter_service.store,
        retry_delay=partial(exponential_delay, base=1.0, cap=30.0),
    )


def subscription_consumer(
    link: NatsLink,
    sessions: async_sessionmaker[AsyncSession],
    settings: NotifySettings,
    *,
    after_commit: Callable[[], None] | None = None,
) -> DurableConsumer:
    """The `notify-subscriptions` durable consumer: the event log and subscribers' deliveries,
    what one fetch brings in one transaction."""
    return DurableConsumer(
        link,
        sessions,
        durable=subscription_handlers.DURABLE,
        stream="GOVNET_CASES",
        subjects=STATUS_SUBJECTS,
        handler=subscription_handlers.handle_case_status,
        batch_handler=subscription_handlers.handle_case_statuses,
        max_deliver=settings.consumer_max_deliver,
        after_commit=after_commit,
        on_dead_letter=dead_letter_service.store,
        retry_delay=partial(exponential_delay, base=1.0, cap=30.0),
    )


def build(settings: NotifySettings) -> Notify:
    runtime = Runtime(settings)
    app = build_app(
        runtime,
        title="govnet notify",
        description="Tells applicants and agents of every status change of their case (N1).",
    )
    worker = DeliveryWorker(
        runtime.sessions,
        build_channels(settings),
        policy=retry_policy(settings),
        rates=settings.rates(),
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        poll=settings.delivery_poll_seconds,
    )
    consumer = status_consumer(runtime.nats, runtime.sessions, settings, after_commit=worker.wake)
    app.include_router(subscription_router)
    app.state.callback_policy = callback_policy(settings)
    subscription_worker = SubscriptionWorker(
        runtime.sessions,
        policy=subscription_policy(settings),
        timeout=settings.subscription_timeout_seconds,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        lanes=settings.subscription_lanes,
        poll=settings.delivery_poll_seconds,
    )
    return Notify(
        runtime=runtime,
        app=app,
        consumer=consumer,
        worker=worker,
        subscription_consumer=subscription_consumer(
            runtime.nats, runtime.sessions, settings, after_commit=subscription_worker.wake
        ),
        subscription_worker=subscription_worker,
    )


async def serve(settings: NotifySettings) -> None:
    notify = build(settings)
    servicer = NotifyServicer(notify.runtime, after_commit=notify.worker.wake)
    await notify.runtime.serve(
        notify.app,
        register_grpc=[lambda s: notify_pb2_grpc.add_NotifyServiceServicer_to_server(servicer, s)],
        tasks=[
            notify.consumer.run,
            notify.worker.run,
            notify.subscription_consumer.run,
            notify.subscription_worker.run,
        ],
    )
