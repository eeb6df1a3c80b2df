"""calibration exercises

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 15:17:49

Calibration exercises live in tables of their own, never in audit, review or event rows as an
audit of a case: no monthly figure, agreement figure or case history can count them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calibration_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("before_first_audit", sa.Boolean(), nullable=False),
        sa.Column("every_months", sa.Integer(), nullable=True),
        sa.Column("when_moderation_changes", sa.Boolean(), nullable=False),
        sa.Column("hold_out_new", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_rule")),
    )
    op.create_table(
        "calibration_exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("summary_text", sa.Text(), nullable=True),
        sa.Column("summary_name", sa.String(length=200), nullable=True),
        sa.Column("summary_kind", sa.String(length=10), nullable=True),
        sa.Column("summary_file", sa.LargeBinary(), nullable=True),
        sa.Column("domains", sa.String(length=200), nullable=False),
        sa.Column("descriptor_version", sa.String(length=200), nullable=False),
        sa.Column("takes_part", sa.String(length=10), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("summary_kind IN ('pdf', 'docx', 'doc')", name=op.f("ck_calibration_exercise_summary_kind")),
        sa.CheckConstraint(
            "takes_part IN ('all', 'team', 'named', 'new')", name=op.f("ck_calibration_exercise_takes_part")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_calibration_exercise_case_id_case")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_calibration_exercise_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_calibration_exercise_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_exercise")),
    )
    op.create_table(
        "calibration_agreed_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("judgement", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["calibration_exercise.id"],
            name=op.f("fk_calibration_agreed_grade_exercise_id_calibration_exercise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_agreed_grade")),
        sa.UniqueConstraint("exercise_id", "judgement", name=op.f("uq_calibration_agreed_grade_exercise_id")),
    )
    with op.batch_alter_table("calibration_agreed_grade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibration_agreed_grade_exercise_id"), ["exercise_id"], unique=False)

    op.create_table(
        "calibration_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.CheckConstraint("role IN ('panel', 'participant')", name=op.f("ck_calibration_member_role")),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["calibration_exercise.id"],
            name=op.f("fk_calibration_member_exercise_id_calibration_exercise"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_calibration_member_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_member")),
        sa.UniqueConstraint("exercise_id", "user_id", "role", name=op.f("uq_calibration_member_exercise_id")),
    )
    with op.batch_alter_table("calibration_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibration_member_exercise_id"), ["exercise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calibration_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "calibration_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("overall_grade", sa.Integer(), nullable=True),
        sa.Column("descriptor_version", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["calibration_exercise.id"],
            name=op.f("fk_calibration_submission_exercise_id_calibration_exercise"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_calibration_submission_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_submission")),
        sa.UniqueConstraint("exercise_id", "user_id", name=op.f("uq_calibration_submission_exercise_id")),
    )
    with op.batch_alter_table("calibration_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibration_submission_exercise_id"), ["exercise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calibration_submission_user_id"), ["user_id"], unique=False)

    op.create_table(
        "calibration_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["calibration_submission.id"],
            name=op.f("fk_calibration_grade_submission_id_calibration_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_grade")),
        sa.UniqueConstraint("submission_id", "domain", name=op.f("uq_calibration_grade_submission_id")),
    )
    with op.batch_alter_table("calibration_grade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibration_grade_submission_id"), ["submission_id"], unique=False)


def downgrade():
    with op.batch_alter_table("calibration_grade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_grade_submission_id"))

    op.drop_table("calibration_grade")
    with op.batch_alter_table("calibration_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_submission_user_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_submission_exercise_id"))

    op.drop_table("calibration_submission")
    with op.batch_alter_table("calibration_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_member_exercise_id"))

    op.drop_table("calibration_member")
    with op.batch_alter_table("calibration_agreed_grade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_agreed_grade_exercise_id"))

    op.drop_table("calibration_agreed_grade")
    op.drop_table("calibration_exercise")
    op.drop_table("calibration_rule")
