"""job and report messages stored as a table key with parameters

Revision ID: c1a2b3d4e5f6
Revises: b7c1d2e3f4a5
Create Date: 2026-12-04 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1a2b3d4e5f6'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('planning_job', 'impact_report'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('message_params', sa.JSON(), nullable=True))


def downgrade():
    for table in ('planning_job', 'impact_report'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('message_params')
