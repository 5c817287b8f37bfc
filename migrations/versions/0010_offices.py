"""Office directory: one row per provincial industry office (contact, source, officers' corrections)

Revision ID: 0010_offices
Revises: 0009_pipeline_notify_triggers
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_offices'
down_revision = '0009_pipeline_notify_triggers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=80), nullable=False),
    sa.Column('province_en', sa.String(length=80), nullable=False),
    sa.Column('name_th', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('address_th', sa.Text(), nullable=True),
    sa.Column('address_en', sa.Text(), nullable=True),
    sa.Column('phone', sa.String(length=80), nullable=True),
    sa.Column('opening_hours', sa.String(length=200), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('corrected', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['officer.id'], name=op.f('fk_office_updated_by_officer'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office')),
    sa.UniqueConstraint('province', name=op.f('uq_office_province'))
    )


def downgrade():
    op.drop_table('office')
