"""orders remember when they were delivered

Revision ID: c2b3c4d5e6f7
Revises: c1a2b3d4e5f6
Create Date: 2026-12-04 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2b3c4d5e6f7'
down_revision = 'c1a2b3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True))
    # Orders already handed over: the first proof of delivery that names one of their lines.
    op.execute(
        """
        UPDATE purchase_order SET delivered_at = (
            SELECT MIN(driver_event.recorded_at)
            FROM order_line
            JOIN proof_line ON proof_line.order_line_id = order_line.id
            JOIN proof_of_delivery ON proof_of_delivery.id = proof_line.proof_id
            JOIN driver_event ON driver_event.id = proof_of_delivery.event_id
            WHERE order_line.order_id = purchase_order.id AND proof_line.delivered_quantity > 0
        )
        """
    )


def downgrade():
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_column('delivered_at')
