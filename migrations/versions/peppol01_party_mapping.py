"""peppol orders: identifiers of documents mapped to delivery points and suppliers

Revision ID: peppol01
Revises: despatch01
Create Date: 2026-12-05 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'peppol01'
down_revision = 'despatch01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('party_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('scheme', sa.String(length=16), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('delivery_point_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delivery_point_id'], ['delivery_point.id'], name=op.f('fk_party_mapping_delivery_point_id_delivery_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_party_mapping_supplier_id_supplier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_mapping')),
    sa.UniqueConstraint('kind', 'scheme', 'identifier', name='party_mapping_once')
    )


def downgrade():
    op.drop_table('party_mapping')
