"""Entry point for Gunicorn (`gunicorn wsgi:app`) and the `flask --app wsgi` commands."""

import gc

from auditapp import create_app

app = create_app()

# What the app built at start (about 250,000 objects: templates, the models' metadata, the GOV.UK
# macros) lives as long as the worker: kept out of the garbage collector's full collections, which
# otherwise walk all of it every time and, measured on the large county, cost a request that
# recomputed the figures about 100 ms when one fell on it (1.3 s of collections over 12 such
# requests, 0.3 s with this).
gc.freeze()
