"""Every table of the application, imported in one place so that Alembic sees the whole schema."""

from backend import consent, contacts, inbox, outbox, schools, venues  # noqa: F401
from backend.applications import models as applications  # noqa: F401
from backend.documents import models as documents  # noqa: F401
from backend.files import models as files  # noqa: F401
from backend.db import Base

metadata = Base.metadata
