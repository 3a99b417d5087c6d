"""emergency stock: one row per client request that takes stock, unique by client id

Revision ID: stock02
Revises: peppol01
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'stock02'
down_revision = 'peppol01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stock_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_stock_request_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_request')),
    sa.UniqueConstraint('client_id', name=op.f('uq_stock_request_client_id'))
    )


def downgrade():
    op.drop_table('stock_request')
