"""plan.solver_status up to 80 characters (OR-Tools' ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED is 48)

Revision ID: d4e5f6a7b8c9
Revises: kitchen01
"""

import sqlalchemy as sa
from alembic import op

revision = "d4e5f6a7b8c9"
down_revision = "kitchen01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plan") as batch:
        batch.alter_column("solver_status", existing_type=sa.String(40), type_=sa.String(80))


def downgrade():
    with op.batch_alter_table("plan") as batch:
        batch.alter_column("solver_status", existing_type=sa.String(80), type_=sa.String(40))
