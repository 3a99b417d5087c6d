"""followup: monthly follow-up reports from what was delivered, against free delivery of the same orders

Revision ID: followup01
Revises: occurred01
Create Date: 2026-12-05 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'followup01'
down_revision = 'occurred01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('followup_report',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('scheduled', sa.Boolean(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', name='followup_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Double(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('message_params', sa.JSON(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_followup_report_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_followup_report_terminal_id_terminal'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_report'))
    )
    with op.batch_alter_table('followup_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_report_month'), ['month'], unique=False)


def downgrade():
    with op.batch_alter_table('followup_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_report_month'))
    op.drop_table('followup_report')
