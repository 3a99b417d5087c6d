"""rural service: a change of vehicles at a hub (the terminal or a village service point)

Revision ID: rural03
Revises: rural02
Create Date: 2026-12-05 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'rural03'
down_revision = 'rural02'
branch_labels = None
depends_on = None

OLD_STATUSES = ('registered', 'planned', 'picked_up', 'ready', 'collected')
NEW_STATUSES = ('registered', 'planned', 'picked_up', 'at_hub', 'onward', 'ready', 'collected')
OLD_KINDS = ('agent_to_driver', 'driver_to_point', 'driver_to_locker', 'to_resident')
NEW_KINDS = ('agent_to_driver', 'driver_to_hub', 'hub_to_driver', 'driver_to_point', 'driver_to_locker', 'to_resident')


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _check(table, name, column, values):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(name), type_='check')
        batch_op.create_check_constraint(batch_op.f(name), _in(column, values))


def upgrade():
    _check('consignment', 'ck_consignment_consignment_status', 'status', NEW_STATUSES)
    _check('consignment_handover', 'ck_consignment_handover_handover_kind', 'kind', NEW_KINDS)
    with op.batch_alter_table('consignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_route_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hub_point_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transfer_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('transfer_pickup_after_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transfer_drop_after_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transfer_pickup_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('transfer_drop_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consignment_transfer_route_id_route'), 'route',
                                    ['transfer_route_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_consignment_hub_point_id_delivery_point'), 'delivery_point',
                                    ['hub_point_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('consignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consignment_hub_point_id_delivery_point'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_consignment_transfer_route_id_route'), type_='foreignkey')
        for column in ('transfer_drop_at', 'transfer_pickup_at', 'transfer_drop_after_sequence',
                       'transfer_pickup_after_sequence', 'transfer_date', 'hub_point_id', 'transfer_route_id'):
            batch_op.drop_column(column)
    _check('consignment_handover', 'ck_consignment_handover_handover_kind', 'kind', OLD_KINDS)
    _check('consignment', 'ck_consignment_consignment_status', 'status', OLD_STATUSES)
