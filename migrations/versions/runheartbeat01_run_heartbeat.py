"""background runs: a heartbeat, so a run whose process died is marked failed, not running forever

Revision ID: runheartbeat01
Revises: stock02
Create Date: 2026-12-05 10:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'runheartbeat01'
down_revision = 'stock02'
branch_labels = None
depends_on = None

TABLES = ('planning_job', 'fleet_advice', 'impact_report', 'import_run')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('heartbeat_at')
