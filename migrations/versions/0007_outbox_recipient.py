"""Outbox: the one recipient of a reply or push, so that a user's messages leave in order

Revision ID: 0007_outbox_recipient
Revises: 0006_worker_heartbeat
Create Date: 2026-12-02 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_outbox_recipient'
down_revision = '0006_worker_heartbeat'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_outbound_message_recipient', ['recipient', 'id'], unique=False)
    # Rows queued before this migration: a reply or push has exactly one recipient.
    table = sa.table('outbound_message', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                     sa.column('recipients', sa.JSON), sa.column('recipient', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.recipients)
                        .where(table.c.kind.in_(('reply', 'push')), table.c.recipient.is_(None))).all()
    for row in rows:
        if row.recipients:
            bind.execute(table.update().where(table.c.id == row.id).values(recipient=str(row.recipients[0])[:64]))


def downgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_message_recipient')
        batch_op.drop_column('recipient')
