"""terminal staff: a user role that works at one terminal

Revision ID: terminal00
Revises: audit01
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'terminal00'
down_revision = 'audit01'
branch_labels = None
depends_on = None

OLD_ROLES = ('coordinator', 'driver', 'recipient', 'producer')
NEW_ROLES = OLD_ROLES + ('terminal',)


def _roles(values):
    return "role IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terminal_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_account_terminal_id_terminal'), 'terminal', ['terminal_id'], ['id'], ondelete='RESTRICT')
        batch_op.drop_constraint(batch_op.f('ck_user_account_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_account_role'), _roles(NEW_ROLES))
        batch_op.create_check_constraint(batch_op.f('ck_user_account_terminal_staff_has_terminal'), "(role = 'terminal') = (terminal_id IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_account_terminal_staff_has_terminal'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_account_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_account_role'), _roles(OLD_ROLES))
        batch_op.drop_constraint(batch_op.f('fk_user_account_terminal_id_terminal'), type_='foreignkey')
        batch_op.drop_column('terminal_id')
