"""Entry point for the background worker: `huey_consumer worker.huey`. It builds the app once, so
the tasks run inside it; nothing in the package builds the app for itself."""

from auditapp import create_app
from auditapp.jobs import huey, run_tasks_in

run_tasks_in(create_app())

__all__ = ["huey"]
