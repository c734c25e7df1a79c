from alembic import context

from govnet_kit.db import Base
from govnet_kit.migrate import run_env
from village_room import models  # noqa: F401 - registers every table
from village_room.config import get_settings

run_env(context, Base.metadata, get_settings().database_url)
