"""Wake-ups from the database itself: a statement trigger NOTIFYs the workers when events or messages are stored

Revision ID: 0009_pipeline_notify_triggers
Revises: 0008_pipeline_order_indexes
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_pipeline_notify_triggers'
down_revision = '0008_pipeline_order_indexes'
branch_labels = None
depends_on = None

# table → channel (bot/pipeline/signals.py listens on these); one NOTIFY per INSERT statement, sent at commit
CHANNELS = {'inbound_event': 'tcps_inbox', 'outbound_message': 'tcps_outbox'}


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return  # embedded SQLite: one process, woken by in-process events
    for table, channel in CHANNELS.items():
        op.execute(f"""
            CREATE FUNCTION {channel}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{channel}', '');
                RETURN NULL;
            END $$""")
        op.execute(f"CREATE TRIGGER {channel}_stored AFTER INSERT ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {channel}_notify()")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, channel in CHANNELS.items():
        op.execute(f"DROP TRIGGER {channel}_stored ON {table}")
        op.execute(f"DROP FUNCTION {channel}_notify()")
