"""The demo's own framework: a second version of the grade descriptors, published by the QA lead
at the start of last month, so last month's and this month's audits grade against it and the
earlier months' against the files (version 1)."""

from sqlalchemy import select

from auditapp.extensions import db
from auditapp.framework import descriptors
from auditapp.grading import GRADE_KEYS, Grade
from auditapp.models import User

QA_LEAD = "quinn.ashby@council.example.org"
NOTE = ("Supervision and management oversight: supervision records must show reflective discussion "
        "(Ofsted, 2025). Voice of the child: the child's own words, not a summary of them.")
# domain key -> grade -> an indicator added at the end; and one removed, by how it starts.
ADDED = {
    "oversight": {Grade.GOOD: "Supervision records show explorative and reflective discussion, not only a "
                              "list of tasks, and the decisions that came from it."},
    "voice": {Grade.OUTSTANDING: "The record quotes the child's own words at each visit, and the plan says "
                                 "how they changed what happens next."},
}
REMOVED = {"voice": {Grade.GOOD: "An advocate has been offered"}}


def revised_descriptors() -> None:
    """Draft and publish through the rule functions, as the QA lead would (the clock is the caller's)."""
    qa_lead = db_user(QA_LEAD)
    draft = descriptors.start_draft(qa_lead)
    for key in sorted(set(ADDED) | set(REMOVED)):
        grades = draft.content[key]["grades"]
        texts = {}
        for grade_key, grade in GRADE_KEYS.items():
            removed = REMOVED.get(key, {}).get(grade)
            lines = [line for line in grades[grade_key] if not (removed and line.startswith(removed))]
            if grade in ADDED.get(key, {}):
                lines.append(ADDED[key][grade])
            texts[grade_key] = "\n".join(lines)
        descriptors.save_domain(qa_lead, draft, key, texts)
    descriptors.publish(qa_lead, draft, NOTE)


def db_user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None  # managers.csv, loaded first, names the QA lead
    return user
