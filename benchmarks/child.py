"""One export in a process of its own, for the bench (benchmarks/exports.py starts it).

WeasyPrint (Pango, Cairo) and lxml allocate outside Python, so neither tracemalloc nor the bench
process's own peak resident size says what an export needs: the bench's process has built the
county and measured other things first. Here a fresh interpreter loads the app, notes its peak
resident size, runs one export against the same database and prints, as JSON, the export's own
seconds, that starting size and the process's peak resident size at the end.

    python -m benchmarks.child pack|self-evaluation KIND MONTH DATABASE_URL

KIND and MONTH as the dashboard's (reports/periods.py): "1 2026-11" a month, "year 2026-11" the
financial year to November 2026.
"""

import json
import resource
import sys
import time


def main(what: str, kind: str, month: str, url: str) -> None:
    from auditapp import clock, create_app
    from auditapp.exports.documents import docx_bytes
    from auditapp.exports.self_evaluation import self_evaluation_document
    from auditapp.reports.periods import in_sentence, period_of
    from auditapp.reports.summary import summarise
    from auditapp.views.reports import pack_bytes

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        today = clock.today()
        span = period_of(kind, month)
        # ru_maxrss is in KiB on Linux: the interpreter, Flask, the app and its libraries, loaded.
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        start = time.perf_counter()
        if what == "pack":
            content = pack_bytes(summarise(span.end, today, period=span.count, kind=span.kind))
        elif what == "self-evaluation":
            content = docx_bytes(self_evaluation_document(span, today, app.config["PROTECTIVE_MARKING"]))
        else:
            raise SystemExit(f"Unknown export: {what}")
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "bytes": len(content), "before": before, "peak": peak,
                      "words": in_sentence(span.words)}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
