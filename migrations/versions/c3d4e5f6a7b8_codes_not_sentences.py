"""flag reasons and a proof's stop-level deviation stored as codes

Revision ID: c3d4e5f6a7b8
Revises: c2b3c4d5e6f7
Create Date: 2026-12-04 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'c2b3c4d5e6f7'
branch_labels = None
depends_on = None

FLAGS = {
    'The stop is no longer in the current plan.': 'flag.not_in_plan',
    "The stop is on another driver's route in the current plan.": 'flag.other_driver',
}
DEVIATIONS = ('nobody_there', 'refused', 'missing', 'damaged', 'wrong_temperature', 'wrong_article')


def upgrade():
    with op.batch_alter_table('proof_of_delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deviation', sa.String(length=40), nullable=True))
    events = sa.table('driver_event', sa.column('flag_reason', sa.String))
    for sentence, code in FLAGS.items():
        op.execute(events.update().where(events.c.flag_reason == sentence).values(flag_reason=code))
    # "[nobody_there] note" -> deviation "nobody_there", note "note".
    proofs = sa.table('proof_of_delivery', sa.column('id', sa.Integer), sa.column('note', sa.Text),
                      sa.column('deviation', sa.String))
    connection = op.get_bind()
    for proof_id, note in connection.execute(sa.select(proofs.c.id, proofs.c.note).where(proofs.c.note.like('[%]%'))):
        code, _, rest = note[1:].partition(']')
        if code in DEVIATIONS:
            connection.execute(
                proofs.update().where(proofs.c.id == proof_id).values(deviation=code, note=rest.strip())
            )


def downgrade():
    with op.batch_alter_table('proof_of_delivery', schema=None) as batch_op:
        batch_op.drop_column('deviation')
