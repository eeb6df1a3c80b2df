"""Mail: the outbox every message is queued in, and the notices (reminders, escalations,
allocations) that fill it."""
