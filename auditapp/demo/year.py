"""How each month of the demo's year differs, so the dashboard's 12 months, the quarterly report and
the self-evaluation read as a real council's year rather than twelve draws from one distribution:
practice slowly getting better with a dip, the plan the weakest domain throughout (the priority
still in progress), management oversight lifting after a reflective supervision workshop (the
priority met), the worry "fathers and male carers" rising until the training on working with
fathers and falling after it (the priority not met: fewer, but not as few as its target), an
Inadequate audit now and then (each re-audited three months later), and the newest months' actions
still open more often than the oldest's."""

from dataclasses import dataclass

MONTHS = 12  # moderated months before the live one: the twelve months to last month
PRIORITIES_RAISED = 4  # the month (0 the first of the year) the QA lead raised the three priorities
TRAINING = 6  # the month of their learning activities: briefings, the workshop, the fathers training
# The months (0 the first) whose first audit is moderated Inadequate overall: re-audited three
# months later, so in months 3, 5, 8 and 11, this month (9 + 3) and next month (10 + 3).
INADEQUATE = {0, 2, 5, 8, 9, 10}
# Better or worse than usual, month by month (the last is this month, part-way): up with a dip.
BETTER = (-0.5, -0.4, -0.2, -0.35, 0.0, 0.1, -0.15, 0.2, 0.3, 0.1, 0.4, 0.5, 0.45)
# The share of audits tagged with the fathers worry: rising to the training, then falling.
FATHERS = (0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.75, 0.55, 0.4, 0.3, 0.2, 0.15, 0.15)
GRADES = (4, 3, 2, 1)  # Outstanding first, as the weights below


@dataclass(frozen=True)
class MonthShape:
    number: int  # 0 the first month of the year; MONTHS this month
    better: float
    fathers: float  # the chance an audit has "fathers and male carers" as a worry
    inadequate: bool  # the month's first audit (not a re-audit) is moderated Inadequate overall
    left_open: float  # the chance an action is still open now (more for the newest months)

    def weights(self, domain: str) -> list[float]:
        """Weights for the true quality of a domain, Outstanding to Inadequate."""
        better = self.better
        if domain == "plan":  # the weakest domain all year, a little better after the briefing
            better -= 0.45 if self.number <= TRAINING else 0.25
        elif domain == "oversight":  # the workshop on reflective supervision made the difference
            better += -0.35 if self.number <= TRAINING else 0.35
        return [max(1.0, w) for w in (12 + 8 * better, 48 + 12 * better, 30 - 10 * better, 10 - 10 * better)]


def shape(number: int) -> MonthShape:
    recent = number >= MONTHS - 3
    return MonthShape(number, BETTER[number], FATHERS[number], number in INADEQUATE, 0.25 if recent else 0.08)
