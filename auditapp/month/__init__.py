"""The month: opening it, drawing the sample, allocating auditors and moderators, re-audits,
targeted audits, the case register and the days the council is closed."""
