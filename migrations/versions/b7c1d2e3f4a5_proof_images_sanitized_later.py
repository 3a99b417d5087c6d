"""proof images re-encoded after the answer

Revision ID: b7c1d2e3f4a5
Revises: 345d01b9ede8
Create Date: 2026-11-23 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '345d01b9ede8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proof_of_delivery', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('images_sanitized', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('proof_of_delivery', schema=None) as batch_op:
        batch_op.drop_column('images_sanitized')
