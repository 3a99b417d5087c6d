"""e-mailed receipts: mail kept until sent

Revision ID: mail01
Revises: loading01
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'mail01'
down_revision = 'loading01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('proof_id', sa.Integer(), nullable=True),
    sa.Column('confirmation_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmation_id'], ['receipt_confirmation.id'], name=op.f('fk_outgoing_mail_confirmation_id_receipt_confirmation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proof_id'], ['proof_of_delivery.id'], name=op.f('fk_outgoing_mail_proof_id_proof_of_delivery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    op.create_index('ix_outgoing_mail_status_next_attempt_at', 'outgoing_mail', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    op.drop_index('ix_outgoing_mail_status_next_attempt_at', table_name='outgoing_mail')
    op.drop_table('outgoing_mail')
