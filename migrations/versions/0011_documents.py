"""Documents by LINE: photos and files a linked producer sends while an application waits on them

Revision ID: 0011_documents
Revises: 0010_offices
Create Date: 2026-12-02 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_documents'
down_revision = '0010_offices'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('line_user_id', sa.Integer(), nullable=True),
    sa.Column('line_message_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('storage_key', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('reply_token', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'],
                            name=op.f('fk_application_document_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_user_id'], ['line_user.id'],
                            name=op.f('fk_application_document_line_user_id_line_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_document')),
    sa.UniqueConstraint('line_message_id', name=op.f('uq_application_document_line_message_id'))
    )
    op.create_index('ix_application_document_due', 'application_document', ['status', 'next_attempt_at'],
                    unique=False)
    op.create_index(op.f('ix_application_document_application_id'), 'application_document', ['application_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_application_document_application_id'), table_name='application_document')
    op.drop_index('ix_application_document_due', table_name='application_document')
    op.drop_table('application_document')
