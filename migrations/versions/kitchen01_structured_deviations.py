"""deviations stored as facts, each side's own code; who resolved or reopened them and how

Revision ID: kitchen01
Revises: c2b3c4d5e6f7
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'kitchen01'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unit', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('ordered_quantity', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('delivered_quantity', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('received_quantity', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('driver_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('kitchen_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))
    op.create_table('deviation_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deviation_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('resolved', 'reopened', name='deviation_action_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deviation_id'], ['deviation.id'], name=op.f('fk_deviation_action_deviation_id_deviation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_deviation_action_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deviation_action'))
    )
    with op.batch_alter_table('deviation_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deviation_action_deviation_id'), ['deviation_id'], unique=False)

    confirmation = sa.table('receipt_confirmation', sa.column('id', sa.Integer), sa.column('accepted_all', sa.Boolean))
    receipt_line = sa.table(
        'receipt_line',
        sa.column('confirmation_id', sa.Integer), sa.column('order_line_id', sa.Integer),
        sa.column('received_quantity', sa.Float), sa.column('deviation', sa.String), sa.column('note', sa.Text),
    )
    proof_line = sa.table(
        'proof_line',
        sa.column('proof_id', sa.Integer), sa.column('order_line_id', sa.Integer),
        sa.column('delivered_quantity', sa.Float), sa.column('deviation', sa.String),
    )
    order_line = sa.table(
        'order_line', sa.column('id', sa.Integer), sa.column('article', sa.String), sa.column('unit', sa.String),
        sa.column('quantity', sa.Float),
    )
    deviation = sa.table(
        'deviation',
        sa.column('confirmation_id', sa.Integer), sa.column('proof_id', sa.Integer), sa.column('order_line_id', sa.Integer),
        sa.column('code', sa.String), sa.column('article', sa.String), sa.column('unit', sa.String),
        sa.column('ordered_quantity', sa.Float), sa.column('delivered_quantity', sa.Float),
        sa.column('received_quantity', sa.Float), sa.column('driver_code', sa.String),
        sa.column('kitchen_code', sa.String), sa.column('note', sa.Text),
    )

    # "All received" means the kitchen reported no deviation: a code on such a line was made up
    # by the server (short against the order) and is no longer shown under the kitchen's name.
    accepted_all = sa.select(confirmation.c.id).where(confirmation.c.accepted_all == sa.true())
    op.execute(receipt_line.update().where(receipt_line.c.confirmation_id.in_(accepted_all)).values(deviation=None))

    # Deviations written as English sentences get their facts from the rows they were made of.
    def of(column, *where):
        return sa.select(sa.func.max(column)).where(*where).scalar_subquery()

    order = (order_line.c.id == deviation.c.order_line_id,)
    proof = (proof_line.c.proof_id == deviation.c.proof_id, proof_line.c.order_line_id == deviation.c.order_line_id)
    receipt = (
        receipt_line.c.confirmation_id == deviation.c.confirmation_id,
        receipt_line.c.order_line_id == deviation.c.order_line_id,
    )
    op.execute(
        deviation.update()
        .where(deviation.c.order_line_id.is_not(None))
        .values(
            article=sa.func.coalesce(of(order_line.c.article, *order), ''),
            unit=sa.func.coalesce(of(order_line.c.unit, *order), ''),
            ordered_quantity=of(order_line.c.quantity, *order),
            delivered_quantity=of(proof_line.c.delivered_quantity, *proof),
            driver_code=of(proof_line.c.deviation, *proof),
            received_quantity=of(receipt_line.c.received_quantity, *receipt),
            kitchen_code=of(receipt_line.c.deviation, *receipt),
            note=sa.func.coalesce(of(receipt_line.c.note, *receipt), ''),
        )
    )
    # Such a row that was not a disagreement and has no code of the kitchen's was made up from
    # "less than ordered": say that, not "the kitchen reported missing".
    op.execute(
        deviation.update()
        .where(
            deviation.c.code != 'receipt_mismatch',
            deviation.c.kitchen_code.is_(None),
            deviation.c.article != '',
        )
        .values(code='short')
    )


def downgrade():
    with op.batch_alter_table('deviation_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deviation_action_deviation_id'))
    op.drop_table('deviation_action')
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        for column in (
            'note', 'kitchen_code', 'driver_code', 'received_quantity', 'delivered_quantity', 'ordered_quantity',
            'unit', 'article',
        ):
            batch_op.drop_column(column)
