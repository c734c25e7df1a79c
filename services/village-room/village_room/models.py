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
from village_room.agency import models as agency_models  # noqa: F401
from village_room.case import models as case_models  # noqa: F401
from village_room.consultation import models as consultation_models  # noqa: F401
from village_room.development import models as development_models  # noqa: F401
from village_room.fee import models as fee_models  # noqa: F401
from village_room.mediation import models as mediation_models  # noqa: F401
from village_room.proposal import models as proposal_models  # noqa: F401
from village_room.room import models as room_models  # noqa: F401
from village_room.roster import models as roster_models  # noqa: F401
from village_room.visit import models as visit_models  # noqa: F401
from village_room.welfare import models as welfare_models  # noqa: F401
