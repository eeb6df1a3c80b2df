"""Figures: one home for each (facts, summary, follow-up, family figures, agreement), the start
pages' work lists and the QA lead's task list."""
