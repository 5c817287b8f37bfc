"""Demand map: each ask of an unmatched query, with the asker's province office when known

Revision ID: 0015_demand
Revises: 0014_certificates
Create Date: 2026-12-02 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_demand'
down_revision = '0014_certificates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unmatched_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query_id', sa.Integer(), nullable=False),
    sa.Column('line_user_id', sa.Integer(), nullable=True),
    sa.Column('province', sa.String(length=64), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['line_user_id'], ['line_user.id'],
                            name=op.f('fk_unmatched_ask_line_user_id_line_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['query_id'], ['unmatched_query.id'],
                            name=op.f('fk_unmatched_ask_query_id_unmatched_query'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unmatched_ask'))
    )
    op.create_index(op.f('ix_unmatched_ask_asked_at'), 'unmatched_ask', ['asked_at'], unique=False)
    op.create_index(op.f('ix_unmatched_ask_line_user_id'), 'unmatched_ask', ['line_user_id'], unique=False)
    op.create_index(op.f('ix_unmatched_ask_query_id'), 'unmatched_ask', ['query_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_unmatched_ask_query_id'), table_name='unmatched_ask')
    op.drop_index(op.f('ix_unmatched_ask_line_user_id'), table_name='unmatched_ask')
    op.drop_index(op.f('ix_unmatched_ask_asked_at'), table_name='unmatched_ask')
    op.drop_table('unmatched_ask')
