"""A defect inside a view still answers in the provider's 500 envelope, never an HTML page."""

import pytest


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
