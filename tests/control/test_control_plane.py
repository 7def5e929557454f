"""The /_mock control plane: health, reset, fixtures, tenants, state, clock, uploads."""

import io

from tests.seekpass.helpers import BATCH_PATH, auth, sample_batch, token


def test_health_names_providers_store_and_storage(client) -> None:
    body = client.get("/_mock/health").get_json()
    assert body["status"] == "ok"
    assert body["http"] == "waitress"
    assert body["providers"] == {
        "seekpass": "/seekpass",
        "vec": "/vec",
        "accredible": "/accredible",
        "springest": "/springest",
    }
    assert body["store"] == "sqlite"
    assert body["object_storage"] == "embedded moto"


def test_reset_forgets_state_uploads_and_clock_changes(client) -> None:
    client.post(BATCH_PATH, json=sample_batch(), headers=auth(token(client)))
    client.post("/_mock/clock", json={"advance": "1d"})
    assert client.get("/_mock/state").get_json()["count"] > 0
    response = client.post("/_mock/reset")
    assert response.status_code == 200
    assert response.get_json()["took_ms"] < 1000
    # Only what fixtures put in the store is left: Accredible's seeded groups, designs,
    # departments, credit balances and id sequences, Springest's certifications; nothing any
    # request made.
    left = client.get("/_mock/state").get_json()["records"]
    assert {record["tenant"].split(":")[0] for record in left} == {"accredible", "springest"}
    assert {record["kind"] for record in left} <= {
        "account",
        "department",
        "design",
        "group",
        "sequence",
        "certification",
        "partner",
    }
    assert client.get("/_mock/uploads").get_json()["count"] == 0
    assert abs(client.get("/_mock/clock").get_json()["offset_seconds"]) < 5


def test_tenants_list_credentials_from_the_fixtures(client) -> None:
    tenants = client.get("/_mock/tenants").get_json()["seekpass"]
    assert [t["tenant"] for t in tenants] == ["seekpass:demo-university", "seekpass:demo-training"]
    assert tenants[1]["clients"][0]["scopes"] == ["write.education", "write.microcredential"]


def test_inline_yaml_fixtures_replace_a_providers_accounts(client) -> None:
    yaml_body = """
seekpass:
  accounts:
    - id: qa
      clients:
        - {client_id: qa-client, client_secret: qa-secret, scopes: [write.education]}
"""
    response = client.post("/_mock/fixtures", data=yaml_body, content_type="application/yaml")
    assert response.status_code == 200
    assert response.get_json() == {"loaded": ["seekpass"]}
    tenants = client.get("/_mock/tenants").get_json()["seekpass"]
    assert [t["tenant"] for t in tenants] == ["seekpass:qa"]
    assert token(client, ("qa-client", "qa-secret"))
    assert client.get("/_mock/fixtures").get_json()["seekpass"]["accounts"][0]["id"] == "qa"


def test_fixtures_from_a_file_and_bad_fixture_requests(client, fixtures_folder) -> None:
    path = fixtures_folder / "f.yaml"
    path.write_text("seekpass:\n  accounts: []\n")
    assert client.post("/_mock/fixtures", json={"path": "f.yaml"}).status_code == 200
    assert client.get("/_mock/tenants").get_json()["seekpass"] == []
    missing = client.post("/_mock/fixtures", json={"path": str(fixtures_folder / "none.yaml")})
    assert missing.status_code == 404
    assert "mock_error" in missing.get_json()
    unknown = client.post("/_mock/fixtures", json={"nosuchprovider": {}})
    assert unknown.status_code == 400
    assert "nosuchprovider" in unknown.get_json()["mock_error"]["message"]


def test_state_filters_by_provider_tenant_and_kind(client) -> None:
    client.post(BATCH_PATH, json=sample_batch(), headers=auth(token(client)))
    everything = client.get("/_mock/state?provider=seekpass").get_json()
    assert {r["kind"] for r in everything["records"]} == {"request", "upload"}
    requests = client.get("/_mock/state?tenant=seekpass:demo-university&kind=request").get_json()
    assert requests["count"] == 1
    assert client.get("/_mock/state?tenant=seekpass:demo-training").get_json()["count"] == 0


def test_clock_set_freeze_advance_and_errors(client) -> None:
    body = client.post(
        "/_mock/clock", json={"set": "2031-06-01T00:00:00Z", "freeze": True}
    ).get_json()
    assert body["now"] == "2031-06-01T00:00:00Z" and body["frozen"] is True
    body = client.post("/_mock/clock", json={"advance": "90m"}).get_json()
    assert body["now"] == "2031-06-01T01:30:00Z"
    assert client.post("/_mock/clock", json={"advance": -5}).status_code == 400
    assert client.post("/_mock/clock", json={"set": "2031-06-01T00:00:00"}).status_code == 400
    assert client.post("/_mock/clock", json={"jump": 1}).status_code == 400
    assert client.post("/_mock/clock", json={"reset": True}).get_json()["frozen"] is False


def test_the_clock_stays_where_date_arithmetic_holds(client) -> None:
    """Near year 9999 every "now + 2 hours" would overflow: such settings are refused, and
    requests that add time to the clock keep working at the edge of the allowed span."""
    for body in (
        {"set": "9999-12-31T23:00:00Z"},
        {"set": "1969-12-31T23:59:59Z"},
        {"set": "0001-01-01T00:00:00+05:00"},
        {"advance": 1e20},
        {"advance": "100000000h"},
    ):
        refused = client.post("/_mock/clock", json=body)
        assert refused.status_code == 400, body
        assert "clock" in refused.get_json()["mock_error"]["message"]
    edge = client.post("/_mock/clock", json={"set": "2899-12-31T00:00:00Z", "freeze": True})
    assert edge.status_code == 200
    assert client.post("/_mock/clock", json={"advance": "48h"}).status_code == 400
    assert client.get("/_mock/clock").get_json()["now"] == "2899-12-31T00:00:00Z"
    assert token(client)  # a token two hours past the edge is still issued
    client.post("/_mock/clock", json={"reset": True})


def test_control_plane_errors_are_mock_errors(client) -> None:
    response = client.get("/_mock/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["mock_error"]["status"] == 404
    response = client.delete("/_mock/reset")
    assert response.status_code == 405
    assert response.get_json()["mock_error"]["status"] == 405


def test_reset_also_undoes_control_plane_settings(client) -> None:
    client.post("/_mock/vec/processing", json={"fail_next": 3, "processing_seconds": 0})
    client.put("/_mock/vec/webhook", json={"url": "http://127.0.0.1:9/hook"})
    client.post("/_mock/reset")
    settings = client.get("/_mock/vec/processing").get_json()[0]
    assert settings["fail_next"] == 0
    assert settings["processing_seconds"] == 5
    assert settings["webhook"] is None


def test_vec_processing_time_is_bounded_so_uploads_never_overflow(client) -> None:
    for value in (1e20, "inf", "Infinity", 366 * 24 * 3600, "soon"):
        refused = client.post("/_mock/vec/processing", json={"processing_seconds": value})
        assert refused.status_code == 400, value
    year = client.post("/_mock/vec/processing", json={"processing_seconds": 365 * 24 * 3600})
    assert year.status_code == 200
    vault = "/vec/business/certificate-vault"
    vec = {"Authorization": "Bearer vec-demo-full-token"}
    upload = client.post(
        f"{vault}/upload-file",
        data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "c.pdf")},
        headers=vec,
    )
    entry = {
        "certificate_title": "Diploma",
        "full_name": "Far Future",
        "applicant_email": "far@example.com",
        "file_id": upload.get_json()["data"]["file_id"],
    }
    bulk = client.post(f"{vault}/bulk", json={"entries": [entry]}, headers=vec)
    assert bulk.status_code == 202, bulk.get_data(as_text=True)  # processing a year from now
    client.post("/_mock/reset")


def test_control_routes_take_a_trailing_slash_as_clients_send_it(client) -> None:
    """A base URL ending in a slash joined to "health/", as scripts build them: the same
    answer as without it. A path that names no route still gets the JSON 404."""
    health = client.get("/_mock/health/")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    client.get("/accredible/v1/credentialz/1")  # journaled: it matches no route
    journal = client.get("/_mock/requests/").get_json()
    assert [entry["path"] for entry in journal["requests"]] == ["/accredible/v1/credentialz/1"]
    rule = client.post("/_mock/faults/", json={"provider": "vec", "status": 503, "times": 1})
    assert rule.status_code == 201
    assert client.get(f"/_mock/faults/{rule.get_json()['id']}/").status_code == 200
    assert client.delete("/_mock/faults/").get_json() == {"status": "cleared"}
    assert client.get("/_mock/faults").get_json()["count"] == 0
    # The guard takes YAML for fixtures by path: with the slash too.
    yaml_body = "seekpass:\n  accounts: []\n"
    loaded = client.post("/_mock/fixtures/", data=yaml_body, content_type="application/yaml")
    assert loaded.get_json() == {"loaded": ["seekpass"]}
    missing = client.get("/_mock/healthz/")
    assert missing.status_code == 404 and missing.is_json
