"""fleet advice: how many vehicles a planned date needs, worked out off the request path

Revision ID: fleet01
Revises: kitchen01
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fleet01'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fleet_advice',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('plan_date', sa.Date(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', name='fleet_advice_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Double(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('message_params', sa.JSON(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_fleet_advice_plan_id_plan'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_fleet_advice_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_fleet_advice_terminal_id_terminal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fleet_advice'))
    )
    with op.batch_alter_table('fleet_advice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fleet_advice_plan_date'), ['plan_date'], unique=False)


def downgrade():
    with op.batch_alter_table('fleet_advice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fleet_advice_plan_date'))
    op.drop_table('fleet_advice')
