"""goods in at the terminal: a supplier's delivery received line by line, and deviations found there

Revision ID: goodsin01
Revises: oidc01
Create Date: 2026-12-09 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'goodsin01'
down_revision = 'oidc01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('goods_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('plan_date', sa.Date(), nullable=False),
    sa.Column('supplier_driver_name', sa.String(length=120), nullable=False),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_goods_receipt_supplier_id_supplier'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_goods_receipt_terminal_id_terminal'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_goods_receipt_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_receipt')),
    sa.UniqueConstraint('client_id', name=op.f('uq_goods_receipt_client_id'))
    )
    with op.batch_alter_table('goods_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipt_plan_date'), ['plan_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_goods_receipt_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goods_receipt_terminal_id'), ['terminal_id'], unique=False)
    op.create_table('goods_receipt_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=True),
    sa.Column('article', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('temperature_class', sa.Enum('frozen', 'chilled', 'ambient', name='temperature_class', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('ordered_quantity', sa.Double(), nullable=False),
    sa.Column('received_quantity', sa.Double(), nullable=False),
    sa.Column('temperature_c', sa.Double(), nullable=True),
    sa.Column('deviation', sa.Enum('short', 'damaged', 'wrong_temperature', 'not_ordered', 'wrong_article', name='goods_in_deviation', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('photo_jpeg', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'], name=op.f('fk_goods_receipt_line_order_line_id_order_line'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['receipt_id'], ['goods_receipt.id'], name=op.f('fk_goods_receipt_line_receipt_id_goods_receipt'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_receipt_line'))
    )
    with op.batch_alter_table('goods_receipt_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipt_line_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goods_receipt_line_receipt_id'), ['receipt_id'], unique=False)
    # On SQLite the batch copies the table, which checks every old row's keys again: a database
    # with an old dangling reference (kept by SQLite before keys were enforced) would stop the
    # upgrade. The copy is made with the checks off (outside a transaction, where SQLite honours it).
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('PRAGMA foreign_keys=OFF')
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goods_receipt_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('terminal_quantity', sa.Double(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deviation_goods_receipt_id_goods_receipt'), 'goods_receipt', ['goods_receipt_id'], ['id'], ondelete='CASCADE')
    if sqlite:
        op.execute('PRAGMA foreign_keys=ON')


def downgrade():
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deviation_goods_receipt_id_goods_receipt'), type_='foreignkey')
        batch_op.drop_column('terminal_quantity')
        batch_op.drop_column('goods_receipt_id')
    op.drop_table('goods_receipt_line')
    op.drop_table('goods_receipt')
