"""The reports app's models. Each is defined in the room that owns it (see
docs/architecture.md) and imported from there; Django reads them through this module,
and migrations name them "reports.<Model>" wherever they live."""

from .figures import models as figures_models  # noqa: F401
from .filing import models as filing_models
from .notifications import models as notifications_models  # noqa: F401
from .periods import models as periods_models  # noqa: F401
from .reminders import models as reminders_models  # noqa: F401
from .summaries import models as summaries_models

# Migrations 0002 and 0005 name the upload paths where they were first written.
evidence_path = filing_models.evidence_path
export_path = summaries_models.export_path
