"""Users, each with exactly one role, and the bearer tokens their devices hold."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from samlast.models.base import Base, Timestamped, UTCDateTime, enum_column, utcnow
from samlast.models.cluster import Terminal
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.supplier import Supplier


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    DRIVER = "driver"
    RECIPIENT = "recipient"
    PRODUCER = "producer"
    # Staff at a consolidation terminal: goods in from suppliers, loading onto vehicles.
    TERMINAL = "terminal"
    # Staff at a parcel agent, village shop or library (rural service): registers residents'
    # consignments at its own service points (the user's delivery points) and sees only those.
    AGENT = "agent"


user_delivery_point = sa.Table(
    "user_delivery_point",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "delivery_point_id",
        sa.ForeignKey("delivery_point.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class User(Timestamped, Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'producer') = (supplier_id IS NOT NULL)", name="producer_has_supplier"
        ),
        sa.CheckConstraint(
            "(role = 'terminal') = (terminal_id IS NOT NULL)", name="terminal_staff_has_terminal"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    supplier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="RESTRICT")
    )
    # The one terminal a terminal user works at (role terminal only).
    terminal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terminal.id", ondelete="RESTRICT")
    )
    # The municipal identity provider's subject (OpenID Connect `sub`) once the user has signed
    # in that way; an account linked to one signs in only through it.
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")

    supplier: Mapped[Supplier | None] = relationship()
    terminal: Mapped[Terminal | None] = relationship()
    delivery_points: Mapped[list[DeliveryPoint]] = relationship(
        secondary=user_delivery_point, order_by="DeliveryPoint.name"
    )

    @property
    def delivery_point_ids(self) -> list[int]:
        return [point.id for point in self.delivery_points]

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AuthToken(Base):
    """An opaque bearer token; only its SHA-256 is stored, so a database leak reveals none."""

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    device: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginCode(Base):
    """A one-time code that hands a municipal sign-in (OpenID Connect) to the PWA: the browser
    comes back from the identity provider with it in the address and trades it for a bearer
    token at once, so no token ever stands in an address or the browser's history."""

    __tablename__ = "login_code"

    code_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
