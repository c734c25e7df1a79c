"""Every table of this service, imported once so Alembic sees the whole metadata."""

from city_center.appointment import models as appointment_models  # noqa: F401
from city_center.case import flags, joint, timers  # noqa: F401
from city_center.case import models as case_models  # noqa: F401
from city_center.catalog import models as catalog_models  # noqa: F401
from city_center.complaint import models as complaint_models  # noqa: F401
from city_center.place import models as place_models  # noqa: F401
from city_center.supervision import models as supervision_models  # noqa: F401
from govnet_kit import audit, calendar_table, calls, consumer, messaging  # noqa: F401 - kit tables
