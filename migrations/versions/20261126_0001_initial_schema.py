"""Initial schema: users, activities and versions, attempts, claims, certificates, audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 18:33:16.892688
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.String(length=100), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('content_id', name=op.f('uq_activities_content_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_activities_slug'))
    )
    op.create_table('assets',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_assets'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('degree', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=16), server_default='learner', nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('license_state', sa.String(length=2), nullable=True),
    sa.Column('license_number', sa.String(length=40), nullable=True),
    sa.Column('certifying_board', sa.String(length=80), nullable=True),
    sa.Column('board_id', sa.String(length=40), nullable=True),
    sa.Column('birth_month', sa.Integer(), nullable=True),
    sa.Column('birth_day', sa.Integer(), nullable=True),
    sa.Column('nabp_eprofile_id', sa.String(length=20), nullable=True),
    sa.Column('board_report_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('learner', 'author', 'admin')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint('(birth_month IS NULL AND birth_day IS NULL) OR (birth_month BETWEEN 1 AND 12 AND birth_day BETWEEN 1 AND 31)', name=op.f('ck_users_birth_month_day_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('activity_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('release_date', sa.Date(), nullable=False),
    sa.Column('expiration_date', sa.Date(), nullable=False),
    sa.Column('metadata', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('article_html', sa.Text(), nullable=False),
    sa.Column('questions', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_versions_activity_id_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_versions')),
    sa.UniqueConstraint('activity_id', 'content_hash', name=op.f('uq_activity_versions_activity_id_content_hash')),
    sa.UniqueConstraint('activity_id', 'number', name=op.f('uq_activity_versions_activity_id_number'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.String(length=100), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'issued', 'revoked', 'superseded')", name=op.f('ck_certificates_status_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_certificates_activity_id_activities')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['certificates.id'], name=op.f('fk_certificates_supersedes_id_certificates')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)

    # activities.current_version_id and activity_versions.activity_id point at each other:
    # the second foreign key is added once both tables exist.
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_activities_current_version_id_activity_versions'),
            'activity_versions', ['current_version_id'], ['id'],
        )
    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('activity_version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score_percent', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_attempts_activity_id_activities')),
    sa.ForeignKeyConstraint(['activity_version_id'], ['activity_versions.id'], name=op.f('fk_attempts_activity_version_id_activity_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts')),
    sa.UniqueConstraint('user_id', 'activity_id', 'number', name=op.f('uq_attempts_user_id_activity_id_number'))
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempts_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_user_id'), ['user_id'], unique=False)

    op.create_table('credit_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('activity_version_id', sa.Integer(), nullable=False),
    sa.Column('credit_type', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('attested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_credit_claims_amount_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_credit_claims_activity_id_activities')),
    sa.ForeignKeyConstraint(['activity_version_id'], ['activity_versions.id'], name=op.f('fk_credit_claims_activity_version_id_activity_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_credit_claims_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_claims')),
    sa.UniqueConstraint('user_id', 'activity_id', 'credit_type', name=op.f('uq_credit_claims_user_id_activity_id_credit_type'))
    )
    with op.batch_alter_table('credit_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_claims_user_id'), ['user_id'], unique=False)

    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('activity_version_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_evaluations_activity_id_activities')),
    sa.ForeignKeyConstraint(['activity_version_id'], ['activity_versions.id'], name=op.f('fk_evaluations_activity_version_id_activity_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    sa.UniqueConstraint('user_id', 'activity_id', name=op.f('uq_evaluations_user_id_activity_id'))
    )
    op.create_table('certificate_claims',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_claims_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['claim_id'], ['credit_claims.id'], name=op.f('fk_certificate_claims_claim_id_credit_claims')),
    sa.PrimaryKeyConstraint('certificate_id', 'claim_id', name=op.f('pk_certificate_claims'))
    )
    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('chosen', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('points', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_responses_attempt_id_attempts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_responses_attempt_id_question_id'))
    )


def downgrade() -> None:
    op.drop_table('responses')
    op.drop_table('certificate_claims')
    op.drop_table('evaluations')
    with op.batch_alter_table('credit_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_claims_user_id'))

    op.drop_table('credit_claims')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempts_user_id'))
        batch_op.drop_index(batch_op.f('ix_attempts_activity_id'))

    op.drop_table('attempts')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))

    op.drop_table('audit_events')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_activities_current_version_id_activity_versions'), type_='foreignkey'
        )
    op.drop_table('activity_versions')
    op.drop_table('users')
    op.drop_table('assets')
    op.drop_table('activities')
