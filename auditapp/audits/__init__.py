"""An audit: each auditor's review and its safeguarding concerns, the moderation and sign-off, and
the family's contact and feedback."""
