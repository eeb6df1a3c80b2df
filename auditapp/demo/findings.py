"""The demo's findings, through the rule functions: proposals and the moderator's decisions on
them, actions in every state (some overdue), themes across the months, practitioners' replies
(one disputed) and a re-audit of an Inadequate audit with its result."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from auditapp import clock
from auditapp.demo import wording
from auditapp.extensions import db
from auditapp.findings import actions, replies, themes
from auditapp.findings.actions import ActionEntry
from auditapp.grading import DOMAINS
from auditapp.models import Action, Audit, Reaudit, User
from auditapp.permissions import SYSTEM


def load_themes() -> None:
    for name in themes.STARTING_THEMES:
        themes.add_theme(SYSTEM, name)


def reaudit_ids() -> set[int]:
    return set(db.session.scalars(select(Reaudit.audit_id).where(Reaudit.audit_id.is_not(None))))


FATHERS = "Fathers and male carers"


def _worries(rng: random.Random, fathers: bool, others: int) -> set[int]:
    """`others` worries drawn at random, and the fathers worry when this audit has it (year.py
    says how often, month by month), so its count rises and falls as the demo's story says."""
    found = themes.active_themes()
    chosen = set(rng.sample([t.id for t in found if t.name != FATHERS], others))
    return chosen | ({t.id for t in found if t.name == FATHERS} if fathers else set())


def propose(rng: random.Random, audit: Audit, role: str, fathers: bool = False) -> None:
    """An auditor, before submitting, proposes an action now and then."""
    if rng.random() < 0.6:
        owner = audit.auditor_a  # the case-responsible manager owns most actions
        actions.propose(audit.auditor(role), audit, _entry(rng, owner))
    if rng.random() < 0.5:
        theme_ids = [t.id for t in themes.active_themes()]
        themes.save_tags(audit.auditor(role), audit, role, {"strength": set(rng.sample(theme_ids, 1)),
                                                            "worry": _worries(rng, fathers, 1 if fathers else 2)})


def _entry(rng: random.Random, owner: User) -> ActionEntry:
    return ActionEntry(rng.choice(wording.ACTIONS), owner.id, rng.choice(["immediate", "urgent", "standard",
                                                                          "standard"]),
                       domain=rng.choice(list(DOMAINS)))


def moderate(rng: random.Random, audit: Audit, fathers: bool = False) -> None:
    """Before sign-off: confirm each proposal (removing the odd duplicate), tag themes, add one."""
    proposals = list(db.session.scalars(select(Action).where(Action.audit_id == audit.id,
                                                             Action.status == "proposed")))
    for index, action in enumerate(proposals):
        if index and rng.random() < 0.5:
            actions.remove(audit.moderator, action, audit, wording.REMOVED, action.version)
        else:
            entry = ActionEntry(action.description, action.owner_id, action.priority, action.due, action.domain)
            actions.edit(audit.moderator, action, audit, entry, action.version, confirm=True)
    if rng.random() < 0.3:
        actions.propose(audit.moderator, audit, _entry(rng, audit.auditor_a))
    theme_ids = [t.id for t in themes.active_themes()]
    themes.save_tags(audit.moderator, audit, "M", {"strength": set(rng.sample(theme_ids, 1)),
                                                   "worry": _worries(rng, fathers, rng.randint(1, 2))})


def follow_through(rng: random.Random, audit: Audit, signed_off: datetime, today: datetime,
                   left_open: float = 0.25) -> None:
    """After sign-off: owners work their actions, managers verify; auditor A records the reply.
    `left_open`: the chance an action is still open (overdue once its date passes); a share of the
    rest done and waiting to be verified, and one in ten sent back."""
    colleague = db.session.scalar(select(User).where(User.team_id == audit.case.team_id, User.is_auditor,
                                                     User.id != audit.auditor_a_id, User.active))
    verifier = colleague or db.session.scalar(select(User).where(User.is_qa_lead))
    assert verifier is not None  # managers.csv has a QA lead
    for action in db.session.scalars(select(Action).where(Action.audit_id == audit.id, Action.status == "open")):
        owner = db.session.get_one(User, action.owner_id)
        fate = rng.random()
        waiting, sent_back = left_open + 0.4 * left_open, left_open + 0.4 * left_open + 0.1
        if fate < left_open:
            continue  # still open: overdue once its date passes
        done_at = min(datetime.combine(action.due, datetime.min.time()) + timedelta(days=rng.choice([-2, -1, 3]),
                                                                                     hours=10), today)
        with clock.frozen_at(min(max(done_at, signed_off + timedelta(hours=1)), today)):
            actions.record_progress(owner, action, audit, wording.PROGRESS, action.version, done=True,
                                    evidence=wording.EVIDENCE_DONE, location=wording.EVIDENCE_WHERE)
            if fate < waiting:
                continue  # done, waiting to be verified
            send_back = fate < sent_back
            actions.verify(verifier, action, audit, not send_back, wording.SENT_BACK if send_back else "",
                           action.version)
    if rng.random() < 0.8:
        with clock.frozen_at(min(signed_off + timedelta(days=2), today)):
            disputes = rng.random() < 0.2
            reply = replies.save_reply(audit.auditor_a, audit, replies.ReplyEntry(
                held=True, held_on=clock.today(), practitioner_view=wording.PRACTITIONER_VIEW, disputes=disputes,
                dispute_details=wording.DISPUTE if disputes else ""), 0)
            if disputes:
                replies.respond(audit.moderator, audit, reply, wording.DISPUTE_RESPONSE, reply.version)
