# auditapp as a container image. Stage one builds the GOV.UK assets and the wheel; stage two is a
# slim Python runtime with only the wheel and its locked dependencies, run as a user that owns
# nothing but the data volume. Build: podman build -t auditapp .  (or docker build)
FROM docker.io/library/python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends make nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed
COPY requirements.txt requirements-dev.txt pyproject.toml Makefile README.md ./
RUN python -m venv .venv && .venv/bin/pip install --quiet --require-hashes -r requirements-dev.txt \
    && touch .venv/.installed
COPY auditapp auditapp
RUN make wheel PYTHON=python

FROM docker.io/library/python:3.11-slim-bookworm
# pg_dump and pg_restore for `auditapp backup` and `restore` on PostgreSQL.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin auditapp
COPY requirements.txt /tmp/requirements.txt
COPY --from=build /src/dist/*.whl /tmp/
RUN python -m venv /opt/auditapp && /opt/auditapp/bin/pip install --quiet --no-cache-dir --require-hashes \
      -r /tmp/requirements.txt && /opt/auditapp/bin/pip install --quiet --no-cache-dir --no-deps /tmp/*.whl \
    && rm /tmp/*.whl /tmp/requirements.txt
ENV PATH=/opt/auditapp/bin:$PATH AUDITAPP_INSTANCE=/data PYTHONDONTWRITEBYTECODE=1
# The one place it writes (the embedded SQLite database and queue, when no server is set). Run the
# container with --read-only: nothing else needs to change.
VOLUME /data
USER auditapp
WORKDIR /data
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live')"
CMD ["gunicorn", "--workers", "4", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "auditapp:create_app()"]
