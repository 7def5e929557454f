"""A defect inside a view still answers in the provider's 500 envelope, never an HTML page;
the log names the cause in its line and gives the traceback (after the line in text, inside it
in JSON), since the answer cannot."""

import json
import logging

import pytest

from mockserver.app import create_app
from mockserver.core.access_log import JsonFormatter, TextFormatter


@pytest.fixture
def broken(runtime, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("simulated defect")

    monkeypatch.setattr(runtime.providers["vec"].model.vault, "page", explode)
    monkeypatch.setattr(runtime.providers["seekpass"].model.submissions, "status_of", explode)
    monkeypatch.setattr(runtime.providers["accredible"].model.credentials, "find", explode)


def test_vec_answers_server_error(client, broken) -> None:
    response = client.get(
        "/vec/business/certificate-vault", headers={"Authorization": "Bearer vec-demo-full-token"}
    )
    assert response.status_code == 500
    assert response.get_json() == {
        "message": "An unexpected error occurred. Our team has been notified.",
        "error_code": "SERVER_ERROR",
    }


def test_seekpass_answers_its_oauth_style_envelope(client, broken) -> None:
    from tests.seekpass.helpers import auth, token

    response = client.get(
        "/seekpass/api/partner/v1/submissions/x/status.json", headers=auth(token(client))
    )
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal_server_error"


def test_accredible_answers_its_documented_500(client, broken) -> None:
    response = client.get(
        "/accredible/v1/credentials/1", headers={"Authorization": "Token token=accredible-demo-key"}
    )
    assert response.status_code == 500
    assert response.get_json() == {"errors": "Internal server error"}


def test_an_unexpected_failure_is_a_json_500_and_the_log_tells_its_cause(runtime, caplog) -> None:
    app = create_app(runtime.settings, runtime)

    def broken() -> str:  # a handler with a bug in it
        raise LookupError("the ledger has no page 7")

    app.add_url_rule("/_mock/broken", view_func=broken)
    logger = logging.getLogger("mockserver")
    own = not logger.propagate  # once the server's own handler is set, nothing propagates
    if own:
        logger.addHandler(caplog.handler)
    try:
        answer = app.test_client().get("/_mock/broken")
    finally:
        if own:
            logger.removeHandler(caplog.handler)
    assert answer.status_code == 500
    assert "see its log" in answer.get_json()["mock_error"]["message"]
    assert "ledger" not in answer.get_data(as_text=True)  # the cause stays in the log
    (record,) = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    assert record.getMessage() == (
        "unhandled error on GET /_mock/broken: LookupError: the ledger has no page 7"
    )
    text = TextFormatter().format(record)
    first, *rest = text.splitlines()
    assert first.endswith(f"ERROR {record.getMessage()}")
    assert rest[0] == "Traceback (most recent call last):" and "in broken" in text
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "error" and line["error"] == "LookupError: the ledger has no page 7"
    assert "in broken" in line["traceback"] and "\n" not in JsonFormatter().format(record)
