"""Every table of this service, imported once so Alembic sees the whole metadata."""

from govnet_kit import audit, calls, catalog_replica, consumer, messaging  # noqa: F401 - kit tables
from town_hall.case import models as case_models  # noqa: F401
