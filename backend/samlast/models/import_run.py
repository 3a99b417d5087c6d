"""A CSV import whose addresses must be looked up first: at one lookup a second (Nominatim's
usage policy) a file of hundreds of addresses takes minutes, so it runs off the request path with
progress, and the import itself (all or nothing, as ever) is done when every address is known."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base
from samlast.models.route import BackgroundRun


class ImportRun(BackgroundRun, Base):
    __tablename__ = "import_run"
    status_type = "import_run_status"

    kind: Mapped[str] = mapped_column(sa.String(32))
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The file as uploaded, kept until the run is done (then emptied: the rows are in the tables).
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    lookups: Mapped[int] = mapped_column(default=0)
    #: {"created", "updated", "message"} when imported, {"errors": [...], "message"} when refused.
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
