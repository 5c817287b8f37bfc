"""Certificates: records (imported or issued from an application), verification links, state history, lookups

Revision ID: 0014_certificates
Revises: 0013_privacy
Create Date: 2026-12-02 07:38:41.289509

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_certificates'
down_revision = '0013_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_lookup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=80), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_lookup'))
    )
    with op.batch_alter_table('certificate_lookup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_lookup_at'), ['at'], unique=False)
        batch_op.create_index('ix_certificate_lookup_client_at', ['client', 'at'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('standard_number', sa.Integer(), nullable=False),
    sa.Column('standard_year', sa.Integer(), nullable=True),
    sa.Column('product', sa.String(length=300), nullable=False),
    sa.Column('holder_name', sa.String(length=300), nullable=False),
    sa.Column('province', sa.String(length=80), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('lookups', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_certificate_application_id_application'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('application_id', name=op.f('uq_certificate_application_id')),
    sa.UniqueConstraint('number', name=op.f('uq_certificate_number'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_province'), ['province'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_standard_number'), ['standard_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_state'), ['state'], unique=False)

    op.create_table('certificate_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_event_certificate_id_certificate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_certificate_event_officer_id_officer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_event'))
    )
    with op.batch_alter_table('certificate_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_event_certificate_id'), ['certificate_id'], unique=False)

    op.create_table('certificate_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_link_certificate_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_link')),
    sa.UniqueConstraint('token', name=op.f('uq_certificate_link_token'))
    )
    with op.batch_alter_table('certificate_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_link_certificate_id'), ['certificate_id'], unique=False)

    _records_of_issued_applications()


def _records_of_issued_applications():
    """Applications already at "certificate issued" (with a standard and an expiry date) get their record,
    numbered as the application, holder left empty (never the applicant's name), so renewals go on."""
    bind = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = bind.execute(sa.text(
        "SELECT id, number, standard_number, product, province, stage_entered_on, certificate_expires_on "
        "FROM application WHERE stage = 'cert_issued' AND standard_number IS NOT NULL "
        "AND certificate_expires_on IS NOT NULL")).mappings().all()
    for row in rows:
        certificate_id = bind.execute(sa.text(
            "INSERT INTO certificate (number, standard_number, product, holder_name, province, issued_on, expires_on, "
            "state, application_id, lookups, created_at, updated_at) VALUES (:number, :standard, :product, '', "
            ":province, :issued, :expires, 'valid', :application, 0, :now, :now) RETURNING id"), {
            "number": row["number"], "standard": row["standard_number"], "product": row["product"],
            "province": row["province"], "issued": row["stage_entered_on"], "expires": row["certificate_expires_on"],
            "application": row["id"], "now": now}).scalar_one()
        bind.execute(sa.text("INSERT INTO certificate_event (certificate_id, from_state, to_state, reason, at) "
                             "VALUES (:id, NULL, 'valid', :reason, :now)"),
                     {"id": certificate_id, "reason": "จากคำขอที่ออกใบรับรองแล้ว (ก่อนมีทะเบียนใบรับรอง)", "now": now})
        bind.execute(sa.text("INSERT INTO certificate_link (certificate_id, token, created_at) "
                             "VALUES (:id, :token, :now)"),
                     {"id": certificate_id, "token": secrets.token_urlsafe(18), "now": now})



def downgrade():
    with op.batch_alter_table('certificate_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_link_certificate_id'))

    op.drop_table('certificate_link')
    with op.batch_alter_table('certificate_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_event_certificate_id'))

    op.drop_table('certificate_event')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_state'))
        batch_op.drop_index(batch_op.f('ix_certificate_standard_number'))
        batch_op.drop_index(batch_op.f('ix_certificate_province'))
        batch_op.drop_index(batch_op.f('ix_certificate_expires_on'))

    op.drop_table('certificate')
    with op.batch_alter_table('certificate_lookup', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_lookup_client_at')
        batch_op.drop_index(batch_op.f('ix_certificate_lookup_at'))

    op.drop_table('certificate_lookup')
