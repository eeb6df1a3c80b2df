"""Calibration exercises (issue 25): setting one up, the panel's agreed grades, participants'
blind grading, the results at close, each auditor's record over time, and who is due."""
