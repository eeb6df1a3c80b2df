"""What every model module shares: how relationships load."""

from typing import Final

# Nothing loads behind the code's back: a relationship not loaded by the query that fetched its
# object raises instead of issuing SQL (an N+1 caught in tests, not in production). "raise_on_sql"
# rather than "raise" so a parent already in the session (its row needs no query) can be read.
# Queries say what they need with the option sets in `loading.py`.
NO_SQL: Final = "raise_on_sql"
