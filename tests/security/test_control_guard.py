"""The control plane answers its owner only: what a web page in the developer's browser can
send (a cross-site form, a text/plain POST, a DNS-rebinding Host) is refused, in-process and
over real HTTP on both layers; fixture files are read from the fixtures folder alone."""

from __future__ import annotations

import re

import pytest
import requests

from tests.accredible.helpers import AUTH
from tests.e2e.live import LiveServer

EVIL = "http://attacker.example"


def _tenants_unchanged(client) -> None:
    tenants = client.get("/_mock/tenants").get_json()
    assert tenants["accredible"][0]["tenant"] == "accredible:demo-academy"


def test_cross_site_form_post_to_reset_is_refused(client) -> None:
    client.post(
        "/accredible/v1/credentials",
        json={
            "credential": {"recipient": {"name": "A", "email": "a@example.com"}, "group_id": 9001}
        },
        headers=AUTH,
    )
    before = client.get("/_mock/state?kind=credential").get_json()["count"]
    refused = client.post(
        "/_mock/reset",
        data={"x": "1"},
        headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 403
    assert "cross-origin" in refused.get_json()["mock_error"]["message"]
    assert client.get("/_mock/state?kind=credential").get_json()["count"] == before == 1


def test_text_plain_yaml_to_fixtures_is_refused_even_without_origin(client) -> None:
    body = "accredible:\n  accounts:\n    - {id: evil, api_keys: [{key: evil-key}]}\n"
    for headers in ({"Origin": EVIL}, {}):
        refused = client.post(
            "/_mock/fixtures", data=body, content_type="text/plain", headers=headers
        )
        assert refused.status_code in (403, 415), refused.get_data(as_text=True)
    assert (
        client.get(
            "/accredible/v1/issuer/details", headers={"Authorization": "Token token=evil-key"}
        ).status_code
        == 401
    )
    _tenants_unchanged(client)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ],
)
def test_control_bodies_must_be_json(client, content_type) -> None:
    refused = client.post("/_mock/faults", data="status=503", content_type=content_type)
    assert refused.status_code == 415
    assert "application/json" in refused.get_json()["mock_error"]["message"]
    assert client.get("/_mock/faults").get_json()["count"] == 0


def test_same_origin_and_plain_clients_are_let_through(client) -> None:
    assert client.post("/_mock/reset").status_code == 200  # curl -X POST, no body
    same = client.post(
        "/_mock/faults",
        json={"status": 503, "provider": "vec"},
        headers={"Origin": "http://localhost:8080"},
    )
    assert same.status_code == 201


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8080", "10.0.0.5"])
def test_a_foreign_host_cannot_read_the_control_plane(client, host) -> None:
    refused = client.get("/_mock/tenants", headers={"Host": host})
    assert refused.status_code == 403
    assert "--allowed-host" in refused.get_json()["mock_error"]["message"]
    assert "accredible-demo-key" not in refused.get_data(as_text=True)
    # The providers themselves answer any name a client uses (containers, compose services).
    assert (
        client.get("/accredible/v1/issuer/details", headers={**AUTH, "Host": host}).status_code
        == 200
    )


def test_security_headers_on_every_control_answer(client) -> None:
    for path in ("/_mock/health", "/_mock/", "/_mock/nothing-here"):
        answer = client.get(path)
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
    page = client.get("/_mock/")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy


def test_dashboard_forms_need_the_pages_token(client) -> None:
    page = client.get("/_mock/").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    forged = client.post("/_mock/ui/reset", data={})
    assert forged.status_code == 403
    made = client.post("/_mock/ui/reset", data={"form_token": token})
    assert made.status_code == 303


@pytest.mark.parametrize(
    "path", ["/etc/shadow", "/proc/self/environ", "/root", "../../etc", "/", "\x00"]
)
def test_fixture_paths_outside_the_fixtures_folder_are_refused(client, path) -> None:
    refused = client.post("/_mock/fixtures", json={"path": path})
    assert refused.status_code == 403, refused.get_data(as_text=True)
    text = refused.get_data(as_text=True)
    assert "root:" not in text and "PATH=" not in text
    _tenants_unchanged(client)


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_over_http_token_host_and_origin(layer: str) -> None:
    with LiveServer(
        args=[
            "--http",
            layer,
            "--control-token",
            "s3cret",
            "--quiet",
            "--allowed-host",
            "sandbox.test",
        ]
    ) as server:
        base = server.base_url
        bearer = {"Authorization": "Bearer s3cret"}
        assert requests.get(f"{base}/_mock/tenants", timeout=5).status_code == 401
        assert requests.get(f"{base}/_mock/tenants", headers=bearer, timeout=5).status_code == 200
        rebound = requests.get(
            f"{base}/_mock/tenants", headers={**bearer, "Host": "attacker.example"}, timeout=5
        )
        assert rebound.status_code == 403
        named = requests.get(
            f"{base}/_mock/tenants", headers={**bearer, "Host": "sandbox.test:1234"}, timeout=5
        )
        assert named.status_code == 200
        cross = requests.post(f"{base}/_mock/reset", headers={**bearer, "Origin": EVIL}, timeout=5)
        assert cross.status_code == 403
        # A browser gives the token once in the URL; the dashboard then keeps it in a
        # same-site cookie.
        session = requests.Session()
        first = session.get(f"{base}/_mock/?token=s3cret", timeout=5)
        assert first.status_code == 200 and "SameSite=Strict" in first.headers["Set-Cookie"]
        assert session.get(f"{base}/_mock/health", timeout=5).status_code == 200
        # Providers never need the control token.
        assert (
            requests.get(
                f"{base}/accredible/v1/issuer/details", headers=AUTH, timeout=5
            ).status_code
            == 200
        )


def test_serve_warns_when_exposed_without_a_token() -> None:
    with LiveServer(args=["--host", "0.0.0.0", "--quiet"]) as server:
        assert any("without --control-token" in line for line in server.output)
    with LiveServer(args=["--quiet"]) as server:
        assert not any("without --control-token" in line for line in server.output)


def test_public_images_of_a_private_credential_show_no_name(client) -> None:
    made = client.post(
        "/accredible/v1/credentials",
        json={
            "credential": {
                "recipient": {"name": "Secret Person", "email": "secret@example.com"},
                "group_id": 9001,
                "private": True,
            }
        },
        headers=AUTH,
    ).get_json()["credential"]
    for path in (
        f"/accredible/v1/frontend/credential_badge_image/{made['id']}",
        f"/accredible/v1/frontend/credential_seo_image/{made['id']}",
        f"/accredible/v1/frontend/credential_website_embed_image/certificate/{made['id']}",
    ):
        image = client.get(path)
        assert image.status_code == 200 and "Secret Person" not in image.get_data(as_text=True)
    assert client.get(f"/accredible/credential.net/{made['encoded_id']}").status_code == 403


def test_the_container_health_check_passes_the_control_token(monkeypatch) -> None:
    from mockserver.healthcheck import healthy

    with LiveServer(args=["--control-token", "tok", "--quiet"]) as server:
        port = server.base_url.rsplit(":", 1)[1]
        assert not healthy(port)
        assert healthy(port, "tok")


def test_a_refused_control_request_still_has_a_request_id(client) -> None:
    refused = client.post("/_mock/reset", headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["X-Request-Id"])
