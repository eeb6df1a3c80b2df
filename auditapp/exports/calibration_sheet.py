"""The workbook's Calibration sheet: the month's closed exercises, the group's spread per domain
(no names, and no counts from fewer than five), and, only in the QA lead's full export, each
participant's grades."""

from typing import TYPE_CHECKING

from auditapp.calibration.results import EXACT, FURTHER, ONE_AWAY, Results
from auditapp.clock import uk_day
from auditapp.grading import GRADES_BEST_FIRST, grade_label
from auditapp.rounding import MIN_N

if TYPE_CHECKING:
    from auditapp.exports.sheet import Sheet

TOO_FEW = "Too few to show (fewer than 5 submitted)"


def write(sheet: "Sheet", found: list[Results], named: bool) -> None:
    sheet.title("Calibration exercises closed this month: never counted in the figures on the other sheets")
    if not found:
        sheet.title("No calibration exercise closed this month")
    header = ["Exercise", "Closed", "Submitted", "Taking part", "Judgement", "Agreed grade",
              *[g.label for g in GRADES_BEST_FIRST], EXACT, ONE_AWAY, FURTHER, "Crossed the Good line",
              "Average distance"]
    rows = []
    for result in found:
        exercise = result.exercise
        for spread in result.spreads:
            marks = [m for p in result.participants for m in p.marks if m.judgement == spread.judgement]
            figures: list = [spread.counts[int(g)] for g in GRADES_BEST_FIRST]
            figures += [sum(m.closeness == kind for m in marks) for kind in (EXACT, ONE_AWAY, FURTHER)]
            figures += [sum(m.crossed_good_line for m in marks), spread.mean_distance]
            hidden = result.submitted < MIN_N and not named
            rows.append([exercise.title, exercise.closes_on, result.submitted, result.invited, spread.name,
                         grade_label(spread.agreed), *([TOO_FEW] + [None] * (len(figures) - 1) if hidden else figures)])
    sheet.table("CalibrationSpread", header, rows, freeze=True)
    if not named:
        return
    sheet.title("Each participant's grades (the QA lead's full export only)")
    people = [[result.exercise.title, p.user.name, mark.judgement, grade_label(mark.grade), grade_label(mark.agreed),
               mark.closeness, "Yes" if mark.crossed_good_line else "No",
               uk_day(result.exercise.opened_at)]
              for result in found for p in result.participants for mark in p.marks]
    sheet.table("CalibrationParticipants", ["Exercise", "Participant", "Judgement", "Grade", "Agreed grade",
                                            "How close", "Crossed the Good line", "Opened"], people)
