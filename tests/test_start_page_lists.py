"""The start page's lists, whose statements are kept from one request to the next (views/home.py):
they follow every change to the person they are built for, and are never another person's."""

from builders import month_sampled_by

from auditapp.extensions import db
from auditapp.month.sampling import request_withdrawal
from auditapp.permissions import SYSTEM
from auditapp.security import people


def test_a_persons_lists_follow_a_change_to_their_roles_and_are_theirs_alone(world, as_user):
    audits = month_sampled_by(world.qa_lead, per_team=1)
    request_withdrawal(world.seniors[0], audits[0], "case_closed", "Closed last week")
    db.session.commit()
    manager = world.auditors["Early Help"][0]
    before = as_user(manager).get("/").get_data(as_text=True)
    assert "Withdrawals waiting for your decision" not in before  # a manager decides no withdrawal
    # The other senior manager decides it (never the one who asked): their list has it.
    assert "Withdrawals waiting for your decision" in as_user(world.seniors[1]).get("/").get_data(as_text=True)
    # Made a senior manager, the same person's next start page has it too: nothing kept is stale.
    people.save_user(SYSTEM, manager, name=manager.name, email=manager.email, team=people.team_named("Early Help"),
                     roles={"is_auditor", "is_senior_manager"})
    db.session.commit()
    assert "Withdrawals waiting for your decision" in as_user(manager).get("/").get_data(as_text=True)
    # And the one who asked still has it on no list of theirs.
    assert "Withdrawals waiting for your decision" not in as_user(world.seniors[0]).get("/").get_data(as_text=True)
