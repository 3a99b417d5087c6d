"""region planning: candidate terminal sites with their fixed and handling costs

Revision ID: region01
Revises: occurred01
Create Date: 2026-12-05 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'region01'
down_revision = 'followup01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('region_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('fixed_sek_per_year', sa.Double(), nullable=False),
    sa.Column('handling_sek_per_pallet', sa.Double(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_site')),
    sa.UniqueConstraint('name', name=op.f('uq_region_site_name'))
    )


def downgrade():
    op.drop_table('region_site')
