"""Figures for a council's monitoring (Prometheus' text format) at /metrics, when METRICS_TOKEN is
set: requests and their duration by route, and the outbox (mail waiting, mail that failed, the
age of the oldest unsent message), which is where a council first sees a mail server's trouble.

Under gunicorn each worker counts its own requests; set PROMETHEUS_MULTIPROC_DIR (an empty folder
the workers share) and /metrics adds them up."""

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import SentMessage
from auditapp.outbox.mail import MAX_ATTEMPTS

REQUESTS = Counter("auditapp_requests", "Requests answered", ["method", "route", "status"])
DURATION = Histogram("auditapp_request_seconds", "Time to answer a request", ["route"],
                     buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


class Outbox:
    """Read from the database at each scrape, so every worker reports the same figures."""

    def collect(self):
        waiting, failed, oldest = db.session.execute(select(
            func.count(SentMessage.id).filter(SentMessage.attempts < MAX_ATTEMPTS),
            func.count(SentMessage.id).filter(SentMessage.attempts >= MAX_ATTEMPTS),
            func.min(SentMessage.created_at)).where(SentMessage.sent_at.is_(None))).one()
        yield GaugeMetricFamily("auditapp_mail_waiting", "Messages not yet sent, still being tried", waiting)
        yield GaugeMetricFamily("auditapp_mail_failed", "Messages given up on after every retry", failed)
        age = (clock.now() - oldest).total_seconds() if oldest else 0
        yield GaugeMetricFamily("auditapp_mail_oldest_unsent_seconds", "Age of the oldest unsent message", age)


def page() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(DURATION)
    registry.register(Outbox())
    return generate_latest(registry)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request (measured once, by logs.py, which logs the same figures)."""
    REQUESTS.labels(method, route, str(status)).inc()
    DURATION.labels(route).observe(seconds)
