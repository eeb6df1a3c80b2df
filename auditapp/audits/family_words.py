"""The family feedback questions as each person is asked them: a parent about their child, the
child about themselves (never "your child" to a child), and a short name for each in the reports,
where the parent's and the child's answers stand side by side."""

from auditapp.models.families import QUESTIONS, RESPONDENTS

ASKED = {
    "parent": QUESTIONS,
    "child": {
        "understood": "Do you know why we have been working with you and your family?",
        "listened": "Did your worker listen to you?",
        "better": "Has anything got better for you?",
    },
}
TOPICS = {
    "understood": "Understood why we were involved",
    "listened": "Felt listened to",
    "better": "Things have got better",
}
assert set(ASKED) == set(RESPONDENTS) and all(set(asked) == set(QUESTIONS) for asked in ASKED.values())
assert set(TOPICS) == set(QUESTIONS)
