"""Plausible audit wording for the demo, by grade (4 Outstanding … 1 Inadequate). No real cases."""

EVIDENCE = {
    4: ["Chronology is current and analytical; the child's history shapes every decision.",
        "Visits are purposeful, recorded within a day, and the child's words are quoted directly."],
    3: ["Assessment is up to date and considers the main risks; plan reviewed on time.",
        "Regular visits with clear recording; partners contribute to meetings."],
    2: ["Assessment is descriptive and the analysis of risk is thin; plan actions lack timescales.",
        "Visits happen but the record does not show what the child said or how they are."],
    1: ["No updated assessment in over a year despite new concerns from school.",
        "Plan has not been reviewed since the last conference; actions are overdue and unowned."],
}

IMPACT = {
    4: ["The child is settled, attending school and says they feel listened to.",
        "Risks have reduced measurably and the child's wishes are reflected in the plan."],
    3: ["The child is safer than at referral and progress is being made on the plan.",
        "The child has a stable placement and is beginning to engage with support."],
    2: ["Drift is delaying improvement for the child; the reason for involvement is unchanged.",
        "The child's lived experience is not clear, so it is unknown whether things are better."],
    1: ["The child remains exposed to the same risks as at referral.",
        "The child has experienced further harm while the plan drifted."],
}

WORKING_WELL = [
    "A consistent social worker who knows the child well.",
    "Good relationship with the school and health visitor; information is shared quickly.",
    "The family say they feel respected and understand the plan.",
]

NEEDS_TO_CHANGE = [
    "Update the assessment with analysis of the impact of neglect on the child.",
    "Make plan actions specific, owned and time-bound; review within four weeks.",
    "Record the child's views in their own words at every visit.",
    "Management oversight must set direction, not only note that the case was discussed.",
]

RATIONALE = [
    "The record shows drift since the last review; the independent auditor's grade reflects the impact on the child.",
    "Evidence of the child's voice is stronger than auditor B allowed: direct work is recorded at each visit.",
    "Supervision is regular but does not challenge the lack of progress, so Good cannot be supported.",
    "Partnership working is effective: agencies attend and act. The higher grade is justified.",
]

FEEDBACK = [
    "A thorough audit with clear evidence. Focus more on impact on the child when grading.",
    "Good use of the descriptors. The grade for oversight was generous given the drift recorded.",
    "Clear and balanced. Please quote the child's own words when evidencing their voice.",
]

CONCERN = "Recent contact notes mention a new adult living in the home who has not been checked."
CONCERN_RESPONSE = "Team manager informed the same day; checks completed and a strategy discussion held."

ACTIONS = [
    "Update the chronology with the last six months' significant events",
    "See the child alone and record their wishes and feelings in their own words",
    "Hold a supervision to review drift in the plan and set timescales",
    "Speak with the father and record his view in the assessment",
    "Refer to the education welfare service about school attendance",
    "Review the plan with the family and partners so each action has an owner and a date",
]
PROGRESS = "Visit booked with the family; the school has been asked for attendance figures."
EVIDENCE_DONE = "Done and discussed with the family; the plan now reflects it."
EVIDENCE_WHERE = "Case note and updated plan in the case file"
SENT_BACK = "The case note does not yet show the child's own words."
PRACTITIONER_VIEW = ("Agreed the chronology needed work; felt the audit recognised the relationship built with "
                     "the young person.")
DISPUTE = "Disputes the plan grade: the plan was reviewed at the last core group, after the audit's snapshot."
DISPUTE_RESPONSE = "The grade stands on the record at the time; the later review is noted for the re-audit."
REMOVED = "Covered by the other action on this audit."
