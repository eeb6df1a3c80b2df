"""The quarterly QA report, shaped as a council committee report (issue 26): purpose, headline
figures against targets with last quarter's, what the audits show by domain and team, consistency
of auditing, families' voices, practice priorities with their evidence, actions and re-audits,
"you said, we did", and the QA lead's commentary from the months' own. Every figure is the
dashboard's (summarise over the quarter, as the pack for the quarter shows it)."""

from datetime import date

from auditapp.calibration import results as calibration_results
from auditapp.exports import sections
from auditapp.exports.documents import Document
from auditapp.learning.evidence import priorities_in
from auditapp.learning.responses import you_said_we_did
from auditapp.months import month_label
from auditapp.reports.commentary import words_for
from auditapp.reports.periods import Period
from auditapp.reports.summary import summarise


def quarterly_document(span: Period, today: date, marking: str) -> Document:
    summary = summarise(span.end, today, period=span.count, kind=span.kind)
    before_span = span.before
    before = summarise(before_span.end, today, with_trend=False, period=before_span.count, with_board=False,
                       kind=before_span.kind)
    doc = Document("Quality assurance report: case audits", summary.period_words, marking)
    answered = you_said_we_did(span.start, span.end)

    doc.heading("1. Purpose of the report")
    doc.para(f"To tell the committee what the monthly case audits found in {sections.within(summary.period_words)}: "
             "the quality of practice, how consistently it was judged, what families told us, and what is being "
             "done in response. Figures count signed-off audits only; any group of fewer than 5 is shown as "
             "\"Too few to judge\" so no child or worker can be identified.")

    doc.heading("2. Headline figures against targets")
    sections.board_table(doc, summary)
    h = summary.headline
    doc.table("Audits in the quarter", ["Measure", "Number"],
              [["Audits sampled", str(h.sampled)], ["Moderated", str(h.moderated)], ["Withdrawn", str(h.withdrawn)],
               ["Audits submitted late", str(h.submitted_late)],
               ["Moderations signed off late", str(h.moderated_late)]])

    doc.heading("3. What the audits show")
    sections.domain_table(doc, summary, before)
    doc.para(f"The period before is {sections.within(summary.before_words)}.")
    sections.team_table(doc, summary)

    doc.heading("4. Consistency of auditing")
    lines = [line for line in calibration_results.trend(span.end, today)
             if span.start <= f"{line.closes_on:%Y-%m}" <= span.end]
    sections.consistency(doc, summary, lines)

    doc.heading("5. Families' voices")
    sections.families(doc, summary, answered)

    doc.heading("6. Practice priorities and their evidence")
    sections.priorities(doc, priorities_in(span.start, span.end))

    doc.heading("7. Actions and re-audits")
    sections.follow_up(doc, summary)

    doc.heading("8. You said, we did")
    doc.para(f"{len(answered)} {'change' if len(answered) == 1 else 'changes'} made in response to families and "
             "practitioners in the quarter.")
    doc.table("You said, we did", ["From", "You said", "We did", "Changed on"],
              [[r.source, r.you_said, r.we_did, r.changed_on.strftime("%-d %B %Y")] for r in answered])

    doc.heading("9. Commentary from the QA lead")
    written = False
    for month in span.months:
        words = words_for(month)
        if words is None:
            continue
        written = True
        doc.heading(month_label(month), 2)
        if words.told:
            doc.para(f"What the audits tell us: {words.told}")
        if words.doing:
            doc.para(f"What we are doing about it: {words.doing}")
    if not written:
        doc.para("No commentary has been written for the months of this quarter yet.")
    return doc
