"""rural service: the agent role, and service points and parcel lockers as delivery point kinds

Revision ID: rural00
Revises: occurred01
Create Date: 2026-12-05 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'rural00'
down_revision = 'region02'
branch_labels = None
depends_on = None

OLD_ROLES = ('coordinator', 'driver', 'recipient', 'producer', 'terminal')
NEW_ROLES = OLD_ROLES + ('agent',)
OLD_KINDS = ('school_kitchen', 'preschool', 'care_home', 'other')
NEW_KINDS = OLD_KINDS + ('service_point', 'parcel_locker')


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _check(table, name, column, values):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(name), type_='check')
        batch_op.create_check_constraint(batch_op.f(name), _in(column, values))


def upgrade():
    _check('user_account', 'ck_user_account_role', 'role', NEW_ROLES)
    _check('delivery_point', 'ck_delivery_point_dp_kind', 'kind', NEW_KINDS)


def downgrade():
    _check('delivery_point', 'ck_delivery_point_dp_kind', 'kind', OLD_KINDS)
    _check('user_account', 'ck_user_account_role', 'role', OLD_ROLES)
