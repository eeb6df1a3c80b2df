"""Issue 22's recomputing target, on both databases: the dashboard for one month and for 12 months
as its first reader sees it, from an empty remembered store (nothing in this process's memory,
nothing in the shared store), so every figure is computed from the data.

Measured in a process of its own, started as a gunicorn worker is (the app created, then what it
built at start frozen out of full garbage collections, as wsgi.py does), not in the bench's process:
that one has built the county, and each full collection there walks objects no worker holds. On
PostgreSQL that cost the 12-month dashboard about 15 ms of CPU: 152 ms measured there, 131-139 ms
in a process of its own, on the same machine and database.

    python -m benchmarks.recompute DATABASE_URL
"""

import gc
import json
import statistics
import sys
import time

from flask import Flask
from sqlalchemy import event

from auditapp.extensions import db
from auditapp.remembered import forget_all

from .exports import own_process
from .pages import PASSWORD, page_urls

REPEATS = 5
TARGETS = {"Dashboard, one month": 100, "Dashboard, 12 months": 150}  # ms, issue 22


def recomputed(app: Flask) -> dict[str, str]:
    """Each dashboard requested REPEATS times, the remembered figures forgotten before each request:
    the median wall and CPU time, the time inside the database and the statements of one request."""
    pages = page_urls()
    client = app.test_client()
    email = pages["Dashboard, one month"][0]
    with app.app_context():
        client.post("/sign-in", data={"email": email, "password": PASSWORD})
    results = {}
    for name, target in TARGETS.items():
        path = pages[name][1]
        with app.app_context():
            assert client.get(path).status_code == 200  # templates compiled, statements prepared
        walls, cpus, sql, statements = [], [], [], []
        for _ in range(REPEATS):
            with app.app_context():
                forget_all()
                db.session.remove()
                spent: list[float] = []
                engine = db.engine

                def before(conn, *_args) -> None:
                    conn.info["bench started"] = time.perf_counter()

                def after(conn, *_args, into=spent) -> None:
                    into.append(time.perf_counter() - conn.info["bench started"])

                event.listen(engine, "before_cursor_execute", before)
                event.listen(engine, "after_cursor_execute", after)
                try:
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    walls.append(time.perf_counter() - wall)
                    cpus.append(time.process_time() - cpu)
                finally:
                    event.remove(engine, "before_cursor_execute", before)
                    event.remove(engine, "after_cursor_execute", after)
                assert response.status_code == 200, response.status_code
                sql.append(sum(spent))
                statements.append(len(spent))
        results[f"Recomputed from nothing: {name.lower()}"] = (
            f"median {statistics.median(walls) * 1000:.0f} ms (CPU {statistics.median(cpus) * 1000:.0f} ms, "
            f"in the database {statistics.median(sql) * 1000:.0f} ms, {max(statements)} statements); "
            f"target: under {target} ms")
    return results


def recomputed_in_own_process(url: str) -> dict[str, str]:
    """recomputed() run by a fresh interpreter against the bench's database."""
    return own_process("recomputing", "benchmarks.recompute", url)


def main(url: str) -> None:
    from auditapp import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    gc.freeze()  # as wsgi.py does once the app is built
    with app.app_context():
        print(json.dumps(recomputed(app)))


if __name__ == "__main__":
    main(sys.argv[1])
