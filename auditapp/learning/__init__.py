"""Learning that shows (issue 26): practice priorities raised from what the audits show, the work
under them (linked actions, learning activities, targeted audits), the evidence of their measure
month by month from the dashboard's own figures, and "you said, we did"."""
