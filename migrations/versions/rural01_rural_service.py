"""rural service: consignments, their hand-overs, parcel locker compartments

Revision ID: rural01
Revises: rural00
Create Date: 2026-12-05 13:59:10.262644

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'rural01'
down_revision = 'rural00'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('locker_compartment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_point_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('size_class', sa.Enum('small', 'medium', 'large', name='size_class', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['delivery_point_id'], ['delivery_point.id'], name=op.f('fk_locker_compartment_delivery_point_id_delivery_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locker_compartment')),
    sa.UniqueConstraint('delivery_point_id', 'number', name='compartment_number')
    )
    with op.batch_alter_table('locker_compartment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locker_compartment_delivery_point_id'), ['delivery_point_id'], unique=False)

    op.create_table('consignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.Enum('parcel', 'grocery', 'pharmacy', 'library', 'return', name='consignment_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('pickup_point_id', sa.Integer(), nullable=True),
    sa.Column('destination_point_id', sa.Integer(), nullable=False),
    sa.Column('size_class', sa.Enum('small', 'medium', 'large', name='size_class', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('temperature_class', sa.Enum('frozen', 'chilled', 'ambient', name='temperature_class', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('resident_name', sa.String(length=120), nullable=False),
    sa.Column('resident_phone', sa.String(length=40), nullable=False),
    sa.Column('resident_email', sa.String(length=160), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('latest_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'planned', 'picked_up', 'ready', 'collected', name='consignment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('planned_route_id', sa.Integer(), nullable=True),
    sa.Column('planned_date', sa.Date(), nullable=True),
    sa.Column('pickup_after_sequence', sa.Integer(), nullable=True),
    sa.Column('drop_after_sequence', sa.Integer(), nullable=True),
    sa.Column('planned_pickup_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('planned_drop_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extra_m', sa.Double(), nullable=True),
    sa.Column('extra_s', sa.Integer(), nullable=True),
    sa.Column('unplanned_reason', sa.JSON(), nullable=True),
    sa.Column('compartment_number', sa.Integer(), nullable=True),
    sa.Column('pickup_code', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['destination_point_id'], ['delivery_point.id'], name=op.f('fk_consignment_destination_point_id_delivery_point'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pickup_point_id'], ['delivery_point.id'], name=op.f('fk_consignment_pickup_point_id_delivery_point'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['planned_route_id'], ['route.id'], name=op.f('fk_consignment_planned_route_id_route'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], name=op.f('fk_consignment_registered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_consignment_terminal_id_terminal'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consignment')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_consignment_tracking_code'))
    )
    with op.batch_alter_table('consignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consignment_destination_point_id'), ['destination_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_pickup_point_id'), ['pickup_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_planned_route_id'), ['planned_route_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_terminal_id'), ['terminal_id'], unique=False)

    op.create_table('consignment_handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('consignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('agent_to_driver', 'driver_to_point', 'driver_to_locker', 'to_resident', name='handover_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('signed_by_name', sa.String(length=120), nullable=False),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('compartment_number', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['consignment_id'], ['consignment.id'], name=op.f('fk_consignment_handover_consignment_id_consignment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_consignment_handover_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consignment_handover')),
    sa.UniqueConstraint('client_id', name=op.f('uq_consignment_handover_client_id'))
    )
    with op.batch_alter_table('consignment_handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consignment_handover_consignment_id'), ['consignment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('consignment_handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consignment_handover_consignment_id'))

    op.drop_table('consignment_handover')
    with op.batch_alter_table('consignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consignment_terminal_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_planned_route_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_pickup_point_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_destination_point_id'))

    op.drop_table('consignment')
    with op.batch_alter_table('locker_compartment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locker_compartment_delivery_point_id'))

    op.drop_table('locker_compartment')
