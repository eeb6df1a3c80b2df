"""Who someone is and what is kept about them: access by route, sessions, signing in, passwords,
single sign-on, people and their roles, response headers, typed text kept for an ended session,
retention and backups."""
