"""rural service: a resident collects from the locker without an account; Web Push from the tracking page

Revision ID: rural02
Revises: rural01
Create Date: 2026-12-05 17:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "rural02"
down_revision = "rural01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consignment_handover", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "tracking_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consignment_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignment.id"],
            name=op.f("fk_tracking_subscription_consignment_id_consignment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_subscription")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_tracking_subscription_endpoint")),
    )
    with op.batch_alter_table("tracking_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracking_subscription_consignment_id"), ["consignment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("tracking_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_subscription_consignment_id"))
    op.drop_table("tracking_subscription")
    op.execute("DELETE FROM consignment_handover WHERE user_id IS NULL")
    with op.batch_alter_table("consignment_handover", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
