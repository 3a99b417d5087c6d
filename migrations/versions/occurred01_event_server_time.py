"""driver events: occurred_at, the server's time that orders events (the phone's clock kept as recorded_at)

Revision ID: occurred01
Revises: runheartbeat01
Create Date: 2026-12-05 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'occurred01'
down_revision = 'runheartbeat01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('driver_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True))
    # Events stored before: the phone's time, but never after the server received them.
    op.execute("UPDATE driver_event SET occurred_at = CASE WHEN recorded_at > received_at "
               "THEN received_at ELSE recorded_at END")
    with op.batch_alter_table('driver_event', schema=None) as batch_op:
        batch_op.alter_column('occurred_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_driver_event_occurred_at'), ['occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('driver_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_driver_event_occurred_at'))
        batch_op.drop_column('occurred_at')
