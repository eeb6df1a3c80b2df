"""What each kind of page loads with its records, stated once (relationships never load lazily).

Many-to-one parents are joined into the same statement; collections come in one extra statement
each (selectin), so a page's statement count does not grow with its rows.
"""

from sqlalchemy.orm import joinedload, selectinload

from auditapp.models import (
    Action,
    Audit,
    CalibrationExercise,
    CalibrationMember,
    CalibrationSubmission,
    Case,
    Concern,
    Cycle,
    Event,
    Priority,
    ReadRecord,
    Review,
    User,
)

# What an audit is about: enough for a row in a month's list. Its three people come after, all
# of a page's in one statement (`reports.worklists.with_people`): joining the user table three
# times more cost PostgreSQL several milliseconds to plan, and loading each role by itself was
# three statements and most of the ORM's work on the month's overview.
AUDIT_HEADING = (
    joinedload(Audit.case).joinedload(Case.team),
    joinedload(Audit.cycle),
)

# The same people with their teams: every path to a User loads the team, so reloading an audit
# (populate_existing, after a rollback) cannot leave a person's team unloaded by another path.
_PERSON = (joinedload(User.team),)

# Enough for a line in someone's own list (case, month, due date): no people's names needed.
AUDIT_ROW = (joinedload(Audit.case), joinedload(Audit.cycle))

# The two reviews without their grades: enough for an audit's status and due date.
AUDIT_PROGRESS = (selectinload(Audit.reviews),)

# A cycle with the audit type version it was started with (None for the monthly random sample):
# the questions its audits ask (framework/type_content.py reads them).
CYCLE_WITH_TYPE = (joinedload(Cycle.type_version),)

# Everything one audit's own pages show and its rules read.
AUDIT_IN_FULL = (
    joinedload(Audit.case).joinedload(Case.team),
    joinedload(Audit.cycle).joinedload(Cycle.type_version),
    joinedload(Audit.auditor_a).options(*_PERSON),
    joinedload(Audit.auditor_b).options(*_PERSON),
    joinedload(Audit.moderator).options(*_PERSON),
    joinedload(Audit.case).joinedload(Case.manager).options(*_PERSON),
    selectinload(Audit.reviews).selectinload(Review.grades),
    selectinload(Audit.moderated_grades),
    selectinload(Audit.concerns).options(joinedload(Concern.raised_by).options(*_PERSON),
                                         joinedload(Concern.acknowledged_by).options(*_PERSON)),
)

CASE_ROW = (joinedload(Case.team), joinedload(Case.manager))
PERSON_ROW = (joinedload(User.team),)
EVENT_ROW = (joinedload(Event.user), joinedload(Event.audit).joinedload(Audit.case))
# The activity log's 100 entries a page: only what it shows of each (who, and the audit's case
# reference), not every column of the person, the audit and the case (a fifth of the page's time).
ACTIVITY_ROW = (joinedload(Event.user).load_only(User.name),
                joinedload(Event.audit).load_only(Audit.case_id).joinedload(Audit.case).load_only(Case.reference))
ACTION_ROW = (joinedload(Action.audit).joinedload(Audit.case).joinedload(Case.team),
              joinedload(Action.audit).joinedload(Audit.cycle), joinedload(Action.owner), joinedload(Action.theme))
READ_ROW = (joinedload(ReadRecord.user), joinedload(ReadRecord.audit).joinedload(Audit.case),
            joinedload(ReadRecord.audit).joinedload(Audit.cycle))
CONCERN_ROW = (
    joinedload(Concern.audit).joinedload(Audit.case),
    joinedload(Concern.raised_by),
)
# A calibration exercise's page: its reference case (the reference only is shown), team, panel,
# participants and agreed grades, in four statements whatever the number of participants.
EXERCISE_IN_FULL = (
    joinedload(CalibrationExercise.case),
    joinedload(CalibrationExercise.team),
    selectinload(CalibrationExercise.members).joinedload(CalibrationMember.user),
    selectinload(CalibrationExercise.agreed),
)
SUBMISSION_ROW = (joinedload(CalibrationSubmission.user), selectinload(CalibrationSubmission.grades))
# A practice priority's page and list: its owner and the theme its measure counts.
PRIORITY_ROW = (joinedload(Priority.owner), joinedload(Priority.theme))
