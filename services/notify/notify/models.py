"""Every table of this service, imported once so Alembic sees the whole metadata."""

from govnet_kit import audit, calls, consumer, messaging  # noqa: F401 - kit tables
from notify.dead_letter import models as dead_letter_models  # noqa: F401
from notify.notification import models  # noqa: F401
from notify.subscription import models as subscription_models  # noqa: F401
