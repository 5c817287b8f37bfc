"""Partial indexes for the pipeline's order checks: a user's pending events, a recipient's unsent rows

Revision ID: 0008_pipeline_order_indexes
Revises: 0007_outbox_recipient
Create Date: 2026-12-02 01:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_pipeline_order_indexes'
down_revision = '0007_outbox_recipient'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
UNSENT = sa.text("status IN ('pending', 'sending')")


def upgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_message_recipient')
    op.create_index('ix_outbound_message_recipient', 'outbound_message', ['recipient', 'id'], unique=False,
                    postgresql_where=UNSENT, sqlite_where=UNSENT)
    op.create_index('ix_inbound_event_user_pending', 'inbound_event', ['source_user_id', 'event_timestamp', 'id'],
                    unique=False, postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade():
    op.drop_index('ix_inbound_event_user_pending', table_name='inbound_event')
    op.drop_index('ix_outbound_message_recipient', table_name='outbound_message')
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_message_recipient', ['recipient', 'id'], unique=False)
