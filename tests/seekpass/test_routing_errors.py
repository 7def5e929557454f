"""Requests that match no route or method still get SEEK Pass's JSON envelope."""

from tests.seekpass.helpers import auth, token


def test_unknown_path_under_the_prefix_is_a_json_404(client) -> None:
    response = client.get("/seekpass/api/partner/v9/nothing.json")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == "not_found"
    assert response.headers["X-Mockserver"].endswith("provider=seekpass")


def test_wrong_method_is_a_json_405_with_allow(client) -> None:
    response = client.get("/seekpass/api/partner/v2/add/requests/batch.json")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_oversize_body_is_a_json_413(client, app) -> None:
    size = app.extensions["mockserver"].settings.max_request_bytes + 1
    response = client.post(
        "/seekpass/api/partner/v2/add/requests/batch.json",
        data=b"{" + b" " * size + b"}",
        headers={"Content-Type": "application/json", **auth(token(client))},
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"


def test_every_response_says_it_is_the_mock_and_carries_a_request_id(client) -> None:
    response = client.get("/_mock/health", headers={"X-Request-Id": "trace-me"})
    assert response.headers["X-Request-Id"] == "trace-me"
    assert response.headers["X-Mockserver"].startswith("mockserver/")
