"""A county-sized demo (`seed-demo --scale large`): 40 teams, 400 managers, 20 senior managers,
60,000 cases, 120 moderated months of 100 audits and the current month part-way through.

Written straight into the migrated tables in batches, because a decade of work through the rule
functions would take hours; every row is what those functions would have written (two blind reviews
with evidence and impact, moderation with rationale where grades differ, history entries for each
saved value and change of state), and independence holds (B from another team, a moderator who is
neither auditor). The demo's named people (the README's sign-ins) are among them.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, text, update

from auditapp import clock, figure_version, history
from auditapp.audits.moderation import needs_rationale
from auditapp.demo import HERE, LEADERSHIP_READER, PASSWORD, Timeline, wording
from auditapp.extensions import db
from auditapp.findings.themes import STARTING_THEMES
from auditapp.grading import DOMAINS, JUDGEMENTS, grade_label
from auditapp.history_chain import GENESIS, entry_hash
from auditapp.imports.users import read_people
from auditapp.models import (
    Action,
    Audit,
    Case,
    Concern,
    Cycle,
    Event,
    FamilyAnswer,
    FamilyContact,
    FamilyFeedback,
    ModeratedGrade,
    PractitionerReply,
    Review,
    ReviewGrade,
    Team,
    Theme,
    ThemeTag,
    User,
)
from auditapp.months import month_label, month_of, month_start, months_before
from auditapp.permissions import SYSTEM
from auditapp.security.people import apply_people, hash_password, save_user, team_named
from auditapp.workdays import add_working_days

# Generated teams beside the sample export's eight, so 40 teams and about 400 managers in all.
TEAMS, MANAGERS_PER_TEAM, SENIORS, CASES, PAST_MONTHS, PER_MONTH = 32, 12, 20, 60_000, 120, 100
CASE_TYPES = ["early_help", "child_in_need", "child_protection", "child_in_care", "care_leaver"]
AGE_BANDS = ["Under 1", "1-4", "5-9", "10-15", "16-17", "18-21"]
ETHNICITIES = ["White British", "White other", "Mixed", "Asian or Asian British", "Black or Black British",
               "Other", None]
REVIEW_FIELDS = [("overall_grade", "Overall grade"), ("working_well", "What is working well"),
                 ("needs_to_change", "What needs to change"),
                 ("safeguarding_concern", "Immediate safeguarding concern")]


def month_list(last: str, count: int) -> list[str]:
    year, number = map(int, last.split("-"))
    index = year * 12 + number - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


class Ids:
    """Ids handed out here, so that rows can refer to each other before they are inserted."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def start(self, model) -> None:
        self.next[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


class Batch:
    """Rows per table, written every few thousand so memory stays flat."""

    def __init__(self, limit: int = 20_000):
        self.rows: dict[type, list[dict]] = {}
        self.limit = limit
        self.tip: str | None = None

    def add(self, model, **row) -> None:
        if model is Event:  # added in id order, so sealed as the service would have sealed them
            if self.tip is None:
                self.tip = db.session.scalar(select(Event.hash).order_by(Event.id.desc()).limit(1)) or GENESIS
            row["hash"] = self.tip = entry_hash(self.tip, row["at"], row["user_id"], row["audit_id"],
                                                row["review_role"], row["action"], row["field"], row["before"],
                                                row["after"])
        rows = self.rows.setdefault(model, [])
        rows.append(row)
        if len(rows) >= self.limit:
            self.flush()

    def flush(self) -> None:
        # Parents before children, as the foreign keys need.
        for model in (Team, User, Case, Cycle, Audit, Review, ReviewGrade, ModeratedGrade, Concern, Event, Action,
                      ThemeTag, FamilyContact, FamilyFeedback, FamilyAnswer, PractitionerReply):
            rows = self.rows.pop(model, None)
            if rows:
                db.session.execute(insert(model), rows)


def seed_large(progress: Callable[[str], None] = lambda message: None) -> str:
    if db.session.scalar(select(func.count(User.id))):
        return "The database already has people in it: demo data not loaded"
    rng = random.Random(2026)
    global TODAY, OPENED_BY
    TODAY, now, current_month = clock.today(), clock.now(), month_of(clock.today())
    OPENED_BY = month_start(months_before(current_month, 1)) - timedelta(days=1)
    teams, managers, seniors = _people(rng)
    progress(f"{len(managers)} managers in {len(teams)} teams, {len(seniors)} senior managers")
    ids = Ids()
    for model in (Case, Cycle, Audit, Review, ReviewGrade, ModeratedGrade, Concern, Event, Action, ThemeTag,
                  FamilyContact, FamilyFeedback, FamilyAnswer, PractitionerReply):
        ids.start(model)
    batch = Batch()
    db.session.execute(insert(Theme), [{"name": name, "created_at": _at(date(2016, 1, 4), 9)}
                                       for name in STARTING_THEMES])
    global THEME_IDS
    THEME_IDS = list(db.session.scalars(select(Theme.id)))
    cases = _cases(rng, ids, batch, teams, managers)
    batch.flush()
    progress(f"{len(cases):,} cases")
    by_team = {t: [m for m in managers if m[1] == t] for t in teams}
    last_audited: dict[int, int] = {}
    months = month_list(current_month, PAST_MONTHS + 1)
    for index, month in enumerate(months):
        complete = month != current_month
        _month(rng, ids, batch, month, Timeline.of(month, None if complete else now), index, cases, by_team,
               seniors, last_audited, complete=complete)
        if index % 12 == 11:
            batch.flush()
            progress(f"{month}: {(index + 1) * PER_MONTH:,} audits")
    batch.flush()
    _reset_sequences()
    figure_version.moved()  # written in batches, not through record(): a new version of every figure
    db.session.commit()
    # A bulk load leaves the query planner without statistics until autovacuum comes round;
    # gather them now, as a database administrator would after loading.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    return (f"Large demo loaded: {len(teams)} teams, {len(managers)} managers, {len(cases):,} cases, "
            f"{PAST_MONTHS} moderated months and {month_label(current_month)} in progress. "
            f"Every demo account's password is {PASSWORD}")


def _people(rng: random.Random):
    """The sample export's people (the README's sign-ins), then generated teams and managers."""
    with (HERE / "managers.csv").open("rb") as stream:
        apply_people(SYSTEM, read_people(stream, "managers.csv"))
    save_user(SYSTEM, None, name=LEADERSHIP_READER[0], email=LEADERSHIP_READER[1],
              team=team_named("Service leadership", create=True), roles={"is_leadership"})
    leadership = team_named("Service leadership", create=True).id
    for t in range(TEAMS):
        team_named(f"Locality team {t + 1:02d}", create=True)
    existing = {u.email for u in db.session.scalars(select(User))}
    rows = []
    for team in db.session.scalars(select(Team).where(Team.name.like("Locality team %"))):
        for m in range(MANAGERS_PER_TEAM):
            email = f"manager.{team.id}.{m + 1}@council.example.org"
            rows.append({"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "email": email, "team_id": team.id,
                         "is_auditor": True})
    seniors_now = db.session.execute(select(func.count(User.id)).where(User.is_senior_manager)).scalar_one()
    for s in range(SENIORS - seniors_now):
        rows.append({"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "team_id": leadership,
                     "email": f"senior.{s + 1}@council.example.org", "is_auditor": False,
                     "is_senior_manager": True})
    db.session.execute(insert(User), [r for r in rows if r["email"] not in existing])
    # One Argon2 hash for the shared demo password: hashing 420 times would take a minute.
    db.session.execute(update(User).values(password_hash=hash_password(PASSWORD)))
    people = db.session.execute(select(User.id, User.team_id, User.is_auditor, User.is_senior_manager,
                                       User.email, User.name)).all()
    case_teams = [t.id for t in db.session.scalars(select(Team).where(Team.id != leadership))
                  if any(p.team_id == t.id and p.is_auditor for p in people)]
    managers = [(p.id, p.team_id, p.email, p.name) for p in people if p.is_auditor and p.team_id in case_teams]
    seniors = [(p.id, p.team_id, p.email, p.name) for p in people if p.is_senior_manager]
    return case_teams, managers, seniors


def _cases(rng, ids, batch, teams, managers) -> list[tuple[int, int, int, str]]:
    """(case id, team id, manager id, manager email) for each case."""
    by_team = {t: [m for m in managers if m[1] == t] for t in teams}
    cases = []
    for n in range(CASES):
        team = teams[n % len(teams)]
        manager = rng.choice(by_team[team])
        case_id = ids.take(Case)
        opened = date(2016, 1, 1) + timedelta(days=rng.randrange(3800))
        batch.add(Case, id=case_id, reference=f"LCS-{300000 + n}", team_id=team, manager_id=manager[0],
                  case_type=rng.choice(CASE_TYPES), open_date=min(opened, OPENED_BY),
                  closed_date=None, age_band=rng.choice(AGE_BANDS), gender=rng.choice(["Female", "Male"]),
                  ethnicity=rng.choice(ETHNICITIES), disability=rng.choice(["No", "No", "No", "Yes"]))
        cases.append((case_id, team, manager[0], manager[2]))
    return cases


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour))


def _month(rng, ids, batch, month, when, index, cases, by_team, seniors, last_audited, complete) -> None:
    start = when.opened
    cycle_id = ids.take(Cycle)
    batch.add(Cycle, id=cycle_id, month=month, seed=rng.randrange(10**9), per_team=3, lookback_months=12,
              opened_by_id=None, opened_at=start, sampled_at=start)
    batch.add(Event, id=ids.take(Event), at=start, user_id=None, audit_id=None, review_role=None,
              action=history.sample_drawn(month_label(month)), field=None, before=None,
              after=f"seed from the large demo, {PER_MONTH} cases")
    chosen: list[tuple[int, int, int, str]] = []
    while len(chosen) < PER_MONTH:
        case = rng.choice(cases)
        if last_audited.get(case[0], -99) > index - 12 or case in chosen:
            continue  # audited in the last 12 months: the sample excludes it
        chosen.append(case)
    for position, case in enumerate(chosen):
        last_audited[case[0]] = index
        stage = "moderated" if complete else ["moderated", "moderated", "ready", "one", "draft", "none"][position % 6]
        _audit(rng, ids, batch, cycle_id, when, case, by_team, seniors, stage,
               withdrawal=not complete and position in (5, 11))


def _audit(rng, ids, batch, cycle_id, when, case, by_team, seniors, stage, withdrawal) -> None:
    case_id, team, manager_id, manager_email = case
    others = [t for t in by_team if t != team]
    auditor_b = rng.choice(by_team[rng.choice(others)])
    moderator = rng.choice([s for s in seniors if s[0] not in (manager_id, auditor_b[0])])
    audit_id = ids.take(Audit)
    config = current_app.config
    version = config["DESCRIPTOR_VERSION"]

    # The audit's timeline first, so its row is written before anything that refers to it.
    roles = {"moderated": "AB", "ready": "AB", "one": "A", "draft": "A"}.get(stage, "")
    saved_at = {role: when.at(4 + offset * 3 + rng.randrange(3), 14)
                for offset, role in enumerate(roles)}
    submitted_at = {role: (at if stage != "draft" else None) for role, at in saved_at.items()}
    second = max(saved_at.values()) if len(roles) == 2 else None
    moderation_due = add_working_days(second.date(), config["MODERATION_DUE_WORKING_DAYS"]) if second else None
    signed = stage == "moderated"
    signed_off = when.at(13 + rng.randrange(4), 11) if signed else None
    batch.add(Audit, id=audit_id, cycle_id=cycle_id, case_id=case_id, auditor_a_id=manager_id,
              auditor_b_id=auditor_b[0], moderator_id=moderator[0], allocated_at=when.opened,
              auditor_due=add_working_days(when.start, config["AUDITOR_DUE_WORKING_DAYS"]),
              moderation_due=moderation_due, descriptor_version=version if signed else None,
              withdrawal_reason="court" if withdrawal else None,
              withdrawal_note="Final hearing listed this month." if withdrawal else None,
              withdrawal_requested_by_id=seniors[0][0] if withdrawal else None,
              withdrawal_requested_at=when.at(3, 10) if withdrawal else None,
              withdrawal_approved_by_id=None, withdrawn_at=None, replacement_for_id=None,
              key_issues_a=rng.choice(["yes", "yes", "partly"]) if signed else None,
              key_issues_b="yes" if signed else None,
              feedback_a=rng.choice(wording.FEEDBACK) if signed else None,
              feedback_b=rng.choice(wording.FEEDBACK) if signed else None,
              signed_off_at=signed_off, signed_off_by_id=moderator[0] if signed else None)

    def event(at, user, action, field=None, before=None, after=None, role=None):
        batch.add(Event, id=ids.take(Event), at=at, user_id=user, audit_id=audit_id, review_role=role,
                  action=action, field=field, before=before, after=after)

    event(when.opened, None, history.ALLOCATED,
          after=f"A: {manager_email}, B: {auditor_b[2]}, moderator: {moderator[2]}")
    if withdrawal:
        event(when.at(3, 10), seniors[0][0], history.WITHDRAWAL_REQUESTED, after="Sensitive court stage")

    # Managers grading their own cases tend to be generous; the independent view is nearer the truth.
    quality = {key: rng.choices([4, 3, 2, 1], weights=[12, 48, 30, 10])[0] for key in DOMAINS}
    grades = {
        "A": {k: min(4, q + (rng.random() < 0.35)) for k, q in quality.items()},
        "B": {k: max(1, min(4, q + rng.choice([0, 0, 0, 0, -1, 1]))) for k, q in quality.items()},
    }
    for role in "AB":
        grades[role]["overall"] = max(1, round(sum(grades[role][k] for k in DOMAINS) / len(DOMAINS) - 0.1))
    for role in roles:
        at, user, chosen = saved_at[role], (manager_id if role == "A" else auditor_b[0]), grades[role]
        review_id = ids.take(Review)
        values = {"overall_grade": chosen["overall"], "working_well": rng.choice(wording.WORKING_WELL),
                  "needs_to_change": rng.choice(wording.NEEDS_TO_CHANGE), "safeguarding_concern": "no"}
        batch.add(Review, id=review_id, audit_id=audit_id, role=role, safeguarding_details=None,
                  descriptor_version=version, updated_at=at, submitted_at=submitted_at[role], **values)
        for key, name in DOMAINS.items():
            evidence, impact = rng.choice(wording.EVIDENCE[chosen[key]]), rng.choice(wording.IMPACT[chosen[key]])
            batch.add(ReviewGrade, id=ids.take(ReviewGrade), review_id=review_id, domain=key,
                      grade=chosen[key], evidence=evidence, impact=impact)
            event(at, user, history.VALUE_SAVED, f"{name}: grade", after=grade_label(chosen[key]), role=role)
            event(at, user, history.VALUE_SAVED, f"{name}: evidence", after=evidence, role=role)
            event(at, user, history.VALUE_SAVED, f"{name}: impact on the child", after=impact, role=role)
        for attr, label in REVIEW_FIELDS:
            shown = grade_label(values[attr]) if attr == "overall_grade" else values[attr]
            event(at, user, history.VALUE_SAVED, label, after=shown, role=role)
        event(at, user, history.auditor_submitted(role) if submitted_at[role] else history.auditor_saved_draft(role))
    if second:
        event(second, None, history.READY_FOR_MODERATION, after=f"due {moderation_due:%d %B %Y}")
    if signed:
        for key, name in JUDGEMENTS.items():
            a, b = grades["A"][key], grades["B"][key]
            # The moderator usually sides with the independent auditor, sometimes with the manager.
            final = b if rng.random() < 0.8 else a
            rationale = rng.choice(wording.RATIONALE) if needs_rationale(a, b, final) else None
            batch.add(ModeratedGrade, id=ids.take(ModeratedGrade), audit_id=audit_id, domain=key, grade=final,
                      rationale=rationale)
            event(signed_off, moderator[0], history.MODERATED_GRADE_SAVED, name, after=grade_label(final))
            if rationale:
                event(signed_off, moderator[0], history.RATIONALE_SAVED, name, after=rationale)
            if key == "overall":
                event(signed_off, moderator[0], history.SIGNED_OFF, after=grade_label(final))
        _findings(rng, ids, batch, audit_id, manager_id, moderator[0], signed_off, event)
    if "B" in roles and submitted_at["B"]:
        _family(rng, ids, batch, audit_id, auditor_b[0], saved_at["B"])
    if stage == "ready" and rng.random() < 0.3:
        batch.add(Concern, id=ids.take(Concern), audit_id=audit_id, raised_by_id=auditor_b[0],
                  raised_at=saved_at["B"], details=wording.CONCERN, acknowledged_by_id=None,
                  acknowledged_at=None, response=None)
        event(saved_at["B"], auditor_b[0], history.CONCERN_RAISED, after=wording.CONCERN)


THEME_IDS: list[int] = []
TODAY = OPENED_BY = date.min  # set by seed_large: today, and the last day a generated case opened


def _findings(rng, ids, batch, audit_id, owner_id, moderator_id, signed_off, event) -> None:
    """What the service writes after sign-off: themes, an action in some state, the practitioner's reply."""
    worry, strength = rng.sample(THEME_IDS, 2)
    batch.add(ThemeTag, id=ids.take(ThemeTag), audit_id=audit_id, theme_id=worry, role="M", kind="worry")
    batch.add(ThemeTag, id=ids.take(ThemeTag), audit_id=audit_id, theme_id=strength, role="M", kind="strength")
    if rng.random() < 0.7:
        action_id, due = ids.take(Action), add_working_days(signed_off.date(), rng.choice([1, 5, 20, 20]))
        closed = due < TODAY and rng.random() < 0.85  # most old actions closed; some left overdue
        verified = _at(due + timedelta(days=rng.choice([-3, -1, 2])), 15) if closed else None
        batch.add(Action, id=action_id, audit_id=audit_id, proposed_role="M", proposed_by_id=moderator_id,
                  proposed_at=signed_off, description=rng.choice(wording.ACTIONS), owner_id=owner_id, due=due,
                  priority="standard", domain=rng.choice(list(DOMAINS)), theme_id=worry,
                  status="closed" if closed else "open", confirmed_by_id=moderator_id, confirmed_at=signed_off,
                  progress=None, evidence=wording.EVIDENCE_DONE if closed else None,
                  evidence_location=wording.EVIDENCE_WHERE if closed else None, done_at=verified,
                  verified_by_id=moderator_id if closed else None, verified_at=verified, sent_back_reason=None,
                  removed_reason=None, version=1)
        event(signed_off, moderator_id, history.ACTION_ADDED, f"action {action_id}")
    if rng.random() < 0.8:
        disputes = rng.random() < 0.1
        batch.add(PractitionerReply, id=ids.take(PractitionerReply), audit_id=audit_id, held=True,
                  held_on=(signed_off + timedelta(days=3)).date(), not_held_reason=None,
                  practitioner_view=wording.PRACTITIONER_VIEW, disputes=disputes,
                  dispute_details=wording.DISPUTE if disputes else None, recorded_by_id=owner_id,
                  recorded_at=signed_off + timedelta(days=3), response=None, responded_by_id=None,
                  responded_at=None, version=1)


def _family(rng, ids, batch, audit_id, auditor_id, at) -> None:
    outcome = rng.choices(["gave_feedback", "declined", "no_response", "not_contacted"], [50, 15, 25, 10])[0]
    if outcome != "not_contacted":
        batch.add(FamilyContact, id=ids.take(FamilyContact), audit_id=audit_id, role="B",
                  attempted_on=(at - timedelta(days=1)).date(), who="parent", method="phone",
                  recorded_by_id=auditor_id, recorded_at=at)
    batch.add(FamilyFeedback, id=ids.take(FamilyFeedback), audit_id=audit_id, role="B", outcome=outcome,
              not_contacted_reason="Contact could put the child at risk" if outcome == "not_contacted" else None,
              recorded_by_id=auditor_id, recorded_at=at, version=1)
    if outcome == "gave_feedback":
        batch.add(FamilyAnswer, id=ids.take(FamilyAnswer), audit_id=audit_id, respondent="parent",
                  understood=rng.randint(2, 4), understood_words=None, listened=rng.randint(2, 4),
                  listened_words=None, better=rng.randint(1, 4), better_words=None, change_words=None)


def _reset_sequences() -> None:
    """PostgreSQL's id sequences must move past the ids written here."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Team, User, Case, Cycle, Audit, Review, ReviewGrade, ModeratedGrade, Concern, Event, Action,
                  ThemeTag, FamilyContact, FamilyFeedback, FamilyAnswer, PractitionerReply):
        sequence = func.pg_get_serial_sequence(f'"{model.__tablename__}"', "id")
        db.session.execute(select(func.setval(sequence,
                                              select(func.coalesce(func.max(model.id), 1)).scalar_subquery())))


FIRST = ["Aisha", "Ben", "Carys", "Dan", "Eleri", "Femi", "Gareth", "Hana", "Iwan", "Jo", "Kofi", "Lena", "Megan",
         "Nia", "Owen", "Priya", "Rhian", "Sam", "Tom", "Usha", "Viv", "Wyn", "Yasmin", "Zac"]
LAST = ["Ahmed", "Bevan", "Clarke", "Davies", "Evans", "Francis", "Griffiths", "Hughes", "Islam", "Jones", "Khan",
        "Lewis", "Morgan", "Nowak", "Owens", "Price", "Rees", "Smith", "Thomas", "Usman", "Vaughan", "Williams"]
