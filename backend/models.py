"""Every table of the application, imported in one place so that Alembic sees the whole schema."""

from backend import (  # noqa: F401 - imported for their tables
    audit,
    consent,
    contacts,
    data_rights,
    inbox,
    notices,
    organisations,
    outbox,
    retention,
    schools,
    staff,
    thai_test,
    venues,
)
from backend.admission_round import models as admission_round  # noqa: F401 - imported for its tables
from backend.applications import models as applications  # noqa: F401 - imported for its tables
from backend.db import Base
from backend.documents import models as documents  # noqa: F401 - imported for its tables
from backend.fees import models as fees  # noqa: F401 - imported for its tables
from backend.files import models as files  # noqa: F401 - imported for its tables
from backend.records import models as records  # noqa: F401 - imported for its tables

metadata = Base.metadata
