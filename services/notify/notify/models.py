"""Every table of this service, imported once so Alembic sees the whole metadata."""

from govnet_kit import audit, calls, consumer, messaging  # noqa: F401 - kit tables
from notify.notification import models  # noqa: F401
