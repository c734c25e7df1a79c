from alembic import context

from city_center import models  # noqa: F401 - registers every table
from city_center.config import get_settings
from govnet_kit.db import Base
from govnet_kit.migrate import run_env

run_env(context, Base.metadata, get_settings().database_url)
