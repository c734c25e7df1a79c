"""Every table of this service, imported once so Alembic sees the whole metadata."""

from govnet_kit import (  # noqa: F401 - kit tables
    audit,
    calls,
    catalog_replica,
    consumer,
    dead_letters,
    messaging,
    receipts,
)
from town_hall.appointment import models as appointment_models  # noqa: F401
from town_hall.case import flags, timers, windows  # noqa: F401
from town_hall.case import models as case_models  # noqa: F401
from town_hall.fee import models as fee_models  # noqa: F401
from town_hall.notice import models as notice_models  # noqa: F401
from town_hall.report import models as report_models  # noqa: F401
