"""TISI sync: English title, PDF link and withdrawal day of a standard; one row per complete sync

Revision ID: 0005_tisi_sync
Revises: 0004_officer_question
Create Date: 2026-11-26 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_tisi_sync'
down_revision = '0004_officer_question'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tisi_sync',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('standards', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('superseded', sa.Integer(), nullable=False),
    sa.Column('retitled', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('reinstated', sa.Integer(), nullable=False),
    sa.Column('knowledge_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tisi_sync'))
    )
    with op.batch_alter_table('tisi_sync', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tisi_sync_finished_at'), ['finished_at'], unique=False)

    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('pdf_url', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_on')
        batch_op.drop_column('pdf_url')
        batch_op.drop_column('name_en')

    with op.batch_alter_table('tisi_sync', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tisi_sync_finished_at'))

    op.drop_table('tisi_sync')
