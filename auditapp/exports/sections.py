"""The parts both documents share, written from the dashboard's own figures (summary.summarise and
the functions beside it), never counted again here: a percentage is always the summary's share
through rounding.percent_text, so a group under 5 reads "Too few to judge (n=3)" exactly as on the
dashboard. Names of people are left out (the self-evaluation goes to Ofsted): roles only."""

from collections.abc import Callable

from auditapp.exports.documents import Document
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.learning.evidence import PriorityInPeriod
from auditapp.learning.responses import ResponseRow
from auditapp.models.families import QUESTIONS, RESPONDENTS
from auditapp.months import month_label
from auditapp.reports.periods import in_sentence
from auditapp.reports.summary import GradeCounts, MonthSummary
from auditapp.rounding import MIN_N, kappa_text, percent_text

within = in_sentence  # the documents' sentences name periods as the dashboard's do


def pct(counts: GradeCounts) -> str:
    return percent_text(counts.pct_good, counts.n)


def board_table(doc: Document, summary: MonthSummary) -> None:
    """The pack's first page: each measure this period and the one before, against its target."""
    doc.table(f"Headline figures: {summary.period_words} against {within(summary.before_words)}",
              ["Measure", "This period", "The period before", "Change", "Target", "Against the target"],
              [[row.name, percent_text(row.this.share, row.this.n),
                percent_text(row.last.share, row.last.n) if row.last else "–", row.change,
                row.target.words if row.target else "No target set", row.status.words if row.status else ""]
               for row in summary.board])


def domain_table(doc: Document, summary: MonthSummary, before: MonthSummary | None) -> None:
    header = ["Judgement", "Good or better, this period"] + (["Good or better, the period before"] if before else [])
    rows = []
    for key, name in JUDGEMENTS.items():
        row = [name, pct(summary.domains[key])]
        if before:
            row.append(pct(before.domains[key]))
        rows.append(row)
    doc.table("Good or better by domain", header, rows)


def team_table(doc: Document, summary: MonthSummary) -> None:
    doc.table("Good or better by team", ["Team", "Overall", *DOMAINS.values()],
              [[team, pct(counts["overall"]), *(pct(counts[key]) for key in DOMAINS)]
               for team, counts in summary.teams.items()], empty="No audits signed off.")


def consistency(doc: Document, summary: MonthSummary, calibration_lines: list) -> None:
    doc.table("Agreement between auditors A and B", ["Judgement", "Pairs", "Exact agreement", "Within one grade",
                                                      "Weighted kappa"],
              [[JUDGEMENTS[key], str(a.n), percent_text(a.exact, a.n), percent_text(a.within_one, a.n),
                kappa_text(a.kappa, a.n)] for key, a in summary.agreement.items()])
    doc.table("Moderation shift: how often the senior manager raised, kept or lowered each auditor's grade",
              ["Judgement", "A raised", "A kept", "A lowered", "B raised", "B kept", "B lowered"],
              [[JUDGEMENTS[key], *(str(getattr(shift[role], part)) for role in "AB"
                                   for part in ("raised", "kept", "lowered"))]
               for key, shift in summary.shift.items()])
    doc.table("Self-assessment gap by team (positive: the case-responsible manager graded higher than moderation)",
              ["Team", "Grades compared", "Mean gap (grades)"],
              [[team, str(gap.n), f"{gap.mean:+.2f}" if gap.mean is not None else "–"]
               for team, gap in summary.gaps.items()], empty="No audits signed off.")
    # As the agreement page shows them: fewer than 5 taking part is too few to show (a person could be known).
    doc.table("Calibration exercises closed", ["Exercise", "Closed on", "Submitted", "Domain grades exact",
                                               "Crossed the Good line"],
              [[line.title, line.closes_on.strftime("%-d %B %Y"), str(line.submitted),
                *(["Too few to show"] * 2 if line.submitted < MIN_N else
                  [percent_text(line.exact_share, line.marks), percent_text(line.crossed_share, line.marks)])]
               for line in calibration_lines], empty="No calibration exercise has closed in this period yet.")


def follow_up(doc: Document, summary: MonthSummary) -> None:
    """Actions raised from the period's audits and their state today, and re-audits due in it."""
    f = summary.follow_up
    if f is None:
        return
    doc.table(f"Actions and re-audits: the audits of {summary.in_sentence}", ["Measure", "Number"],
              [["Actions raised", str(f.raised)], ["Closed on time", str(f.closed_on_time)],
               ["Closed late", str(f.closed_late)], ["Overdue today (any month)", str(f.overdue)],
               ["Re-audits due", str(f.reaudits_due)], ["Re-audits done (moderated)", str(f.reaudits_done)],
               ["Re-audits improved", str(f.reaudits_improved)], ["Practitioners' disputes", str(f.disputes)]])


def families(doc: Document, summary: MonthSummary, responses: list[ResponseRow], quotes: bool = True) -> None:
    """`quotes`: families' own words where they consented (the quarterly report; never the self-evaluation)."""
    fam = summary.family
    if fam is None or not fam.counted:
        doc.para("No audit in this period has both auditors' work in yet, so no family feedback can be shown.")
        return
    doc.table(f"Families' feedback: the audits of {summary.in_sentence}", ["Measure", "Share"],
              [["Families contacted", percent_text(fam.contact_rate, fam.counted)],
               ["Families who gave feedback", percent_text(fam.feedback_rate, fam.counted)]])
    rows = []
    for q, question in QUESTIONS.items():
        row = [question]
        for who in RESPONDENTS:
            average, n = fam.averages[who][q]
            row.append("No answers" if not n else f"Too few to judge (n={n})" if n < 5 else f"{average:.1f} (n={n})")
        rows.append(row)
    doc.table("Average ratings (4 yes, completely; 1 not at all)", ["Question", *RESPONDENTS.values()], rows)
    quoted = [r.quote for r in responses if r.quote] if quotes else []
    if quoted:
        doc.para("In their own words (quoted only where they consented):")
        for quote in quoted:
            doc.para(f"“{quote}”")


def _same(text: str) -> str:
    return text


def priorities(doc: Document, found: list[PriorityInPeriod], with_owner: bool = True,
               clean: Callable[[str], str] = _same) -> None:
    """`clean`: the self-evaluation's anonymiser over the free text (who an activity reached may be people)."""
    if not found:
        doc.para("No practice priority was open in this period.")
        return
    for p in found:
        title = clean(p.title)
        doc.heading(title, 2)
        owner = f"Owner: {p.owner}. " if with_owner else ""
        doc.para(f"{p.status}. {owner}Measure: {p.measure}. Target by {p.target_by.strftime('%-d %B %Y')}; "
                 f"review on {p.review_on.strftime('%-d %B %Y')}.")
        doc.para(f"Why: {clean(p.why)}")
        ev = p.evidence
        doc.table(f"Evidence: {title}, month by month", ["Month", "Figure", "Learning activities that month"],
                  [[month_label(point.month) + (" (in progress)" if point.in_progress else ""), point.text,
                    clean("; ".join(point.activities))] for point in ev.points])
        before, latest = ev.before, ev.latest
        if before and latest:
            doc.para(f"Before the first activity ({month_label(before.month)}): {before.text}. "
                     f"Latest ({month_label(latest.month)}): {latest.text}.")
        if p.closing_note:
            doc.para(f"Closing note: {clean(p.closing_note)}")
