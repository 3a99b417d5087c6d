"""emergency stock: articles in batches at a terminal, minimum levels, issues; the terminal's own supplier

Revision ID: stock01
Revises: importrun01
Create Date: 2026-12-05 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'stock01'
down_revision = 'importrun01'
branch_labels = None
depends_on = None

TEMPERATURE = sa.Enum('frozen', 'chilled', 'ambient', name='temperature_class', native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table('stock_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('article', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('temperature_class', TEMPERATURE, nullable=False),
    sa.Column('weight_kg_per_unit', sa.Double(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_stock_article_terminal_id_terminal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_article')),
    sa.UniqueConstraint('terminal_id', 'article', name='stock_article_per_terminal')
    )
    op.create_index(op.f('ix_stock_article_terminal_id'), 'stock_article', ['terminal_id'], unique=False)
    op.create_table('stock_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Double(), nullable=False),
    sa.Column('best_before', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['stock_article.id'], name=op.f('fk_stock_batch_article_id_stock_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_batch'))
    )
    op.create_index(op.f('ix_stock_batch_article_id'), 'stock_batch', ['article_id'], unique=False)
    op.create_table('stock_minimum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('school_kitchen', 'preschool', 'care_home', 'other', name='delivery_point_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('days', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_stock_minimum_terminal_id_terminal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_minimum')),
    sa.UniqueConstraint('terminal_id', 'kind', name='stock_minimum_per_kind')
    )
    op.create_table('stock_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Double(), nullable=False),
    sa.Column('best_before', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('rotation', 'crisis', name='stock_issue_reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('covers_supplier_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['stock_batch.id'], name=op.f('fk_stock_issue_batch_id_stock_batch'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['covers_supplier_id'], ['supplier.id'], name=op.f('fk_stock_issue_covers_supplier_id_supplier'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_stock_issue_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'], name=op.f('fk_stock_issue_order_line_id_order_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_issue'))
    )
    op.create_index(op.f('ix_stock_issue_batch_id'), 'stock_issue', ['batch_id'], unique=False)
    op.create_index(op.f('ix_stock_issue_order_line_id'), 'stock_issue', ['order_line_id'], unique=False)
    op.create_index(op.f('ix_stock_issue_request_id'), 'stock_issue', ['request_id'], unique=False)
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terminal_stock_of', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_supplier_terminal_stock_of'), ['terminal_stock_of'])
        batch_op.create_foreign_key(batch_op.f('fk_supplier_terminal_stock_of_terminal'), 'terminal', ['terminal_stock_of'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_supplier_terminal_stock_of_terminal'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_supplier_terminal_stock_of'), type_='unique')
        batch_op.drop_column('terminal_stock_of')
    op.drop_index(op.f('ix_stock_issue_request_id'), table_name='stock_issue')
    op.drop_index(op.f('ix_stock_issue_order_line_id'), table_name='stock_issue')
    op.drop_index(op.f('ix_stock_issue_batch_id'), table_name='stock_issue')
    op.drop_table('stock_issue')
    op.drop_table('stock_minimum')
    op.drop_index(op.f('ix_stock_batch_article_id'), table_name='stock_batch')
    op.drop_table('stock_batch')
    op.drop_index(op.f('ix_stock_article_terminal_id'), table_name='stock_article')
    op.drop_table('stock_article')
