"""What an audit finds and what follows: actions to verified completion, themes, and the
practitioner's reply."""
