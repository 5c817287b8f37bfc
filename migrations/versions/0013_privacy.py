"""Privacy: the audit of personal-data exports, erasures and retention runs

Revision ID: 0013_privacy
Revises: 0012_accounts
Create Date: 2026-12-02 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_privacy'
down_revision = '0012_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=16), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('officer_username', sa.String(length=80), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('application_number', sa.String(length=32), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_privacy_audit_officer_id_officer'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_audit'))
    )
    op.create_index('ix_privacy_audit_action_at', 'privacy_audit', ['action', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_privacy_audit_action_at', table_name='privacy_audit')
    op.drop_table('privacy_audit')
