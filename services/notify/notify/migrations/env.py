from alembic import context

from govnet_kit.db import Base
from govnet_kit.migrate import run_env
from notify import models  # noqa: F401 - registers every table
from notify.config import get_settings

run_env(context, Base.metadata, get_settings().database_url)
