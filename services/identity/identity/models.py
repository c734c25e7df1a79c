"""Every table of this service, imported once so Alembic sees the whole metadata."""

from govnet_kit import audit, calls, consumer, messaging  # noqa: F401 - kit tables
from identity.applicant import models as applicant_models  # noqa: F401
from identity.staff import models  # noqa: F401
