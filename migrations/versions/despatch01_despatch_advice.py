"""despatch advice: what a supplier says it has shipped, per order line

Revision ID: despatch01
Revises: stock01
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'despatch01'
down_revision = 'stock01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('despatch_advice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('expected_date', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_despatch_advice_supplier_id_supplier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_despatch_advice')),
    sa.UniqueConstraint('supplier_id', 'document_id', name='despatch_advice_per_supplier')
    )
    op.create_index(op.f('ix_despatch_advice_supplier_id'), 'despatch_advice', ['supplier_id'], unique=False)
    op.create_table('despatch_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('advice_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('line_ref', sa.String(length=32), nullable=False),
    sa.Column('shipped_quantity', sa.Double(), nullable=False),
    sa.Column('unit_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['advice_id'], ['despatch_advice.id'], name=op.f('fk_despatch_line_advice_id_despatch_advice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'], name=op.f('fk_despatch_line_order_line_id_order_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_despatch_line'))
    )
    op.create_index(op.f('ix_despatch_line_advice_id'), 'despatch_line', ['advice_id'], unique=False)
    op.create_index(op.f('ix_despatch_line_order_line_id'), 'despatch_line', ['order_line_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_despatch_line_order_line_id'), table_name='despatch_line')
    op.drop_index(op.f('ix_despatch_line_advice_id'), table_name='despatch_line')
    op.drop_table('despatch_line')
    op.drop_index(op.f('ix_despatch_advice_supplier_id'), table_name='despatch_advice')
    op.drop_table('despatch_advice')
