"""What a load balancer asks (issue 21): is the process up, and is it ready to serve people."""

from flask_migrate import upgrade

from auditapp import create_app


def app_on(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})


def test_live_and_ready_answer_without_signing_in_and_say_nothing_else(client):
    for path in ("/health", "/health/live"):
        response = client.get(path)
        assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")
    ready = client.get("/health/ready")
    assert (ready.status_code, ready.get_data(as_text=True)) == (200, "ready")
    assert ready.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_database_does_not_answer(tmp_path):
    unreachable = app_on(f"sqlite:///{tmp_path / 'no-such-folder' / 'auditapp.sqlite'}")
    client = unreachable.test_client()
    assert client.get("/health/live").status_code == 200  # the process is up: do not restart it
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert "does not answer" in response.get_data(as_text=True)


def test_not_ready_until_the_database_is_at_the_newest_migration(tmp_path):
    behind = app_on(f"sqlite:///{tmp_path / 'behind.sqlite'}")
    client = behind.test_client()
    assert "no schema yet" in client.get("/health/ready").get_data(as_text=True)
    with behind.app_context():
        upgrade(revision="0013")
    response = client.get("/health/ready")
    assert response.status_code == 503 and "flask db upgrade" in response.get_data(as_text=True)
    with behind.app_context():
        upgrade()
    assert client.get("/health/ready").status_code == 200


def test_a_shared_database_without_a_secret_key_stops_the_service_at_start_up(monkeypatch, tmp_path):
    """Each machine would make its own key, and sign people out whenever the load balancer moved them."""
    import pytest

    from auditapp.config import MissingSetting
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(MissingSetting, match="SECRET_KEY must be set when DATABASE_URL is"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "the same on every machine")
    assert create_app().config["SECRET_KEY"] == "the same on every machine"
