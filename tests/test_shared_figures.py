"""Issue 22: a figure computed by one worker is read by every other worker and machine; the
remembered set is bounded by bytes, not by a count, so many filter sets do not push each other out."""

import re
import threading

import pytest
from builders import fresh, month_sampled_by, signed_off_audit
from sqlalchemy import select, update

from auditapp import clock, remembered
from auditapp.extensions import db
from auditapp.models import CASE_TYPES, RememberedFigure, Team
from auditapp.reports import summary as summary_module


@pytest.fixture
def computed(monkeypatch) -> list[tuple]:
    """Every time the month's figures are computed, rather than recalled."""
    calls: list[tuple] = []
    real = summary_module.summarise
    monkeypatch.setattr(summary_module, "summarise", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


@pytest.fixture
def month(world):
    audits = month_sampled_by(world.qa_lead, per_team=2)
    signed_off_audit(audits[0])
    db.session.commit()
    return clock.today().strftime("%Y-%m")


def without_token(page: str) -> str:
    """The page but its forms' CSRF tokens, signed with the real time (payload.timestamp.signature):
    two requests a second apart differ there, whatever the figures."""
    return re.sub(r'[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}', "", re.sub(r'name="csrf_token"[^>]*>', "", page))


def another_worker() -> None:
    """What a second worker process (or machine) starts with: nothing in its own memory."""
    remembered.forget_here()
    fresh()


def test_a_second_worker_reads_what_the_first_computed(month, world, as_user, computed):
    qa = as_user(world.qa_lead)
    first = qa.get("/reports/")
    assert first.status_code == 200 and computed
    computed.clear()
    another_worker()
    second = qa.get("/reports/")
    assert computed == []  # recalled from the shared store, not computed again
    assert without_token(second.text) == without_token(first.text)
    assert db.session.scalar(select(db.func.count()).select_from(RememberedFigure)) > 0


@pytest.mark.parametrize("locks", ["a folder", "no folder for the locks"])
def test_the_first_reader_waits_only_for_the_figure_others_wait_for(month, world, as_user, computed, app,
                                                                     tmp_path, monkeypatch, locks):
    """A dashboard's summary is computed inside its page's figures: the page is stored before the
    response (another worker may be waiting for it), the summary once the response has gone."""
    if locks != "a folder":
        blocked = tmp_path / "a file, not a folder"
        blocked.write_text("")
        monkeypatch.setitem(app.config, "REMEMBERED_LOCKS", str(blocked))

    def stored() -> int:
        return db.session.scalar(select(db.func.count()).select_from(RememberedFigure))

    first = as_user(world.qa_lead).get("/reports/", buffered=False)  # not yet sent: closed below
    other = None
    try:
        assert first.status_code == 200 and len(computed) == 1
        assert stored() == 1  # the page's figures only
        another_worker()
        assert as_user(world.qa_lead).get("/reports/").status_code == 200
        assert len(computed) == 1  # the page was there before the first reader's response had gone
        another_worker()
        other = as_user(world.leader).get("/reports/", buffered=False)  # other rights: another page
        assert other.status_code == 200
        assert len(computed) == 2  # the summary was not stored yet
        assert stored() == 2  # the two pages' figures
        first.close()  # as the server does once the response has been sent
        assert stored() == 3  # and now the first reader's summary, stored after its response
    finally:
        first.close()
        if other is not None:
            other.close()


def test_a_tampered_figure_is_computed_afresh_never_loaded(month, world, as_user, computed):
    qa = as_user(world.qa_lead)
    assert qa.get("/reports/").status_code == 200
    with db.engine.begin() as connection:
        for key, value in connection.execute(select(RememberedFigure.key, RememberedFigure.value)).all():
            connection.execute(update(RememberedFigure).where(RememberedFigure.key == key)
                               .values(value=value[:32] + b"\x80\x05N."))  # a pickle of None, unsigned
    computed.clear()
    another_worker()
    page = qa.get("/reports/")
    assert page.status_code == 200 and computed  # the signature failed: computed, not unpickled


def test_many_filter_sets_all_stay_remembered(month, world, as_user, computed):
    """Many readers' filter sets (the old limit was 32 entries, two per filter set) are all recalled."""
    qa = as_user(world.qa_lead)
    teams = list(db.session.scalars(select(Team.name)))
    kinds = ["", *CASE_TYPES.values()]
    urls = [f"/reports/?month={month}&period={period}&case_type={kind}" for kind in kinds for period in (1, 12)]
    urls += [f"/reports/?month={month}&period={period}&team={team}" for team in teams for period in (1, 12)]
    urls += [f"/reports/?month={month}&period=12&case_type=Child+in+need&team={team}" for team in teams]
    assert len(urls) > 16  # more than the 32 entries (two per filter set) once remembered
    for url in urls:
        assert qa.get(url).status_code == 200
    computed.clear()
    for url in urls:
        assert qa.get(url).status_code == 200
    assert computed == []


def test_memory_is_bounded_by_bytes(app):
    memory = remembered.Memory(limit=1000)
    for number in range(50):
        memory.put(("key", str(number)), number, 100)
    assert memory.used <= 1000
    assert memory.get(("key", "49")) == (True, 49)
    assert memory.get(("key", "0")) == (False, None)


def test_the_shared_table_keeps_only_the_newest_version_and_fits_its_limit(app):
    store = remembered.DatabaseStore(limit=10_000, check_after=1)
    store.put([("a", "v1", b"x" * 100)])
    store.put([("a", "v2", b"y" * 100)])
    assert store.get("a", "v1") is None and store.get("a", "v2") == b"y" * 100
    for number in range(30):
        store.put([(f"k{number}", "v", b"z" * 1000)])
    fresh()
    total = db.session.scalar(select(db.func.sum(RememberedFigure.size)))
    assert total <= 10_000
    assert store.get("k29", "v") == b"z" * 1000  # the newest stay


def test_redis_shares_figures_between_machines(month, world, as_user, computed, app, redis_url):
    app.config["REMEMBERED_REDIS_URL"] = redis_url
    app.extensions.pop("remembered store", None)
    try:
        qa = as_user(world.qa_lead)
        assert qa.get("/reports/").status_code == 200 and computed
        assert db.session.scalar(select(db.func.count()).select_from(RememberedFigure)) == 0
        computed.clear()
        another_worker()
        assert qa.get("/reports/").status_code == 200
        assert computed == []
    finally:
        remembered.forget_all()
        app.config["REMEMBERED_REDIS_URL"] = ""
        app.extensions.pop("remembered store", None)


def test_workers_missing_a_figure_at_once_compute_it_once(month, world, as_user, computed, monkeypatch, app):
    """A sign-off moves the version, and every worker's next report page misses at the same moment:
    one computes the figures while the others wait for it and read what it stored (issue 22)."""
    from auditapp import one_at_a_time
    first_computing, second_waiting, waited_for = threading.Event(), threading.Event(), []
    real_summarise, real_try = summary_module.summarise, one_at_a_time._try  # the first counts (`computed`)

    def slow_summarise(*args, **kwargs):
        first_computing.set()
        waited_for.append(second_waiting.wait(10))
        return real_summarise(*args, **kwargs)

    def tried(descriptor):
        taken = real_try(descriptor)
        if not taken:
            second_waiting.set()
        return taken

    computed.clear()
    monkeypatch.setattr(summary_module, "summarise", slow_summarise)
    monkeypatch.setattr(one_at_a_time, "_try", tried)
    pages, readers = {}, {name: as_user(world.qa_lead) for name in ("first", "second")}

    def read(name):
        pages[name] = readers[name].get("/reports/")

    first = threading.Thread(target=read, args=("first",))
    first.start()
    assert first_computing.wait(10)
    read("second")  # as another worker would, with the first still computing
    first.join(10)
    assert waited_for == [True], "the second reader did not wait for the first's turn"
    assert pages["first"].status_code == pages["second"].status_code == 200
    assert without_token(pages["second"].text) == without_token(pages["first"].text)
    assert len(computed) == 1, "the second reader computed the figures again"


def test_a_figure_is_still_computed_when_no_lock_can_be_had(month, world, as_user, computed, app, tmp_path):
    """Only time is lost: with no folder for the locks, every worker computes for itself."""
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    app.config["REMEMBERED_LOCKS"] = str(blocked)
    try:
        page = as_user(world.qa_lead).get("/reports/")
    finally:
        del app.config["REMEMBERED_LOCKS"]
    assert page.status_code == 200 and computed


def test_a_worker_that_waits_too_long_computes_the_figure_itself(app, monkeypatch, tmp_path):
    """A turn held by a worker that hangs keeps the others at most WAIT seconds."""
    import fcntl
    import os

    from auditapp import one_at_a_time
    monkeypatch.setattr(one_at_a_time, "WAIT", 0.01)
    key = "ab" * 32
    holder = os.open(tmp_path / f"{int(key[:8], 16) % one_at_a_time.SLOTS}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with one_at_a_time.turn(key, str(tmp_path)) as waited:
            assert waited  # so it looks in the store once more, then computes
    finally:
        os.close(holder)
    with one_at_a_time.turn(key, str(tmp_path)) as waited:
        assert not waited
