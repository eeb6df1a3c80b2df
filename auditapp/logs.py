"""Logging, configured once when the app is built: one line per record on standard error, where
`make run`, gunicorn and a council's log collector all read it. Left alone when something else
(a test runner, a host's own set-up) has configured the root logger already."""

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format=FORMAT)
    logging.getLogger("auditapp").setLevel(logging.INFO)
