"""Every named outcome of the catalogue, through the Prefer header and through a fault rule,
answered by the provider's own renderer; statuses, delays, rule counting and matching."""

from __future__ import annotations

import re

import pytest
import yaml

from mockserver.core.provider import discover
from mockserver.core.s3_routes import S3_SCENARIOS, s3_error_response
from tests.springest.helpers import post as post_certificate

ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}
VEC = {"Authorization": "Bearer vec-demo-full-token"}


def _seekpass_headers(client) -> dict:
    from tests.seekpass.helpers import auth, token

    return auth(token(client))


# One ordinary request per provider that would otherwise succeed or fail plainly.
PROBES = {
    "seekpass": ("GET", "/seekpass/api/partner/v2/webhooks"),
    "vec": ("GET", "/vec/business/certificate-vault"),
    "accredible": ("GET", "/accredible/v1/issuer/details"),
    "springest": ("GET", "/springest/certifications.json?api_key=springest-certifications-key"),
    "s3": ("PUT", "/_s3/mockserver-uploads/some/key"),
}
CANNED = [
    (cls.name, scenario)
    for cls in discover()
    for scenario in cls.scenarios
    if not scenario.behavioural
] + [("s3", scenario) for scenario in S3_SCENARIOS]


def _headers(client, provider: str) -> dict:
    if provider == "seekpass":
        return _seekpass_headers(client)
    return {"accredible": ACCREDIBLE, "vec": VEC}.get(provider, {})


def _probe(provider: str, scenario) -> tuple[str, str]:
    """A request the scenario can happen on: the provider's probe, or one of its operations."""
    method, path = PROBES[provider]
    if not scenario.applies_to:
        return method, path
    prefix = "/_s3/mockserver-uploads" if provider == "s3" else f"/{provider}"
    methods, sample = scenario.sample_paths()[0]
    if provider == "s3":
        sample = "/some/key"
    return (method if method in methods else sorted(methods)[0]), prefix + sample


def _expected(app, runtime, provider: str, scenario) -> tuple[int, bytes]:
    """What the provider's renderer itself gives for the scenario's error."""
    method, path = _probe(provider, scenario)
    with app.test_request_context(path, method=method):
        if provider == "s3":
            response = s3_error_response(scenario.error())
        else:
            response = runtime.providers[provider].render_error(scenario.error())
        return response.status_code, _stable(response.get_data())


def _stable(body: bytes) -> bytes:
    """S3 error bodies carry a fresh RequestId each time."""
    return re.sub(rb"<RequestId>[0-9A-F]+</RequestId>", b"<RequestId/>", body)


def test_the_catalogue_is_generated_from_every_provider(client) -> None:
    listed = client.get("/_mock/scenarios").get_json()
    providers = {entry["provider"] for entry in listed["scenarios"]}
    assert providers == {"seekpass", "vec", "accredible", "springest", "s3"}
    names = {(e["provider"], e["name"]) for e in listed["scenarios"]}
    assert ("accredible", "insufficient_credits") in names
    assert ("springest", "certificate_quota_exceeded") in names
    assert ("seekpass", "token_expired") in names and ("s3", "upload_link_expired") in names
    only = client.get("/_mock/scenarios?provider=vec").get_json()
    assert {e["provider"] for e in only["scenarios"]} == {"vec"}


@pytest.mark.parametrize(("provider", "scenario"), CANNED, ids=lambda v: getattr(v, "name", v))
def test_each_scenario_through_prefer_and_through_a_rule(
    app, runtime, client, provider, scenario
) -> None:
    method, path = _probe(provider, scenario)
    status, body = _expected(app, runtime, provider, scenario)
    assert status == scenario.status
    headers = _headers(client, provider)
    preferred = client.open(
        path, method=method, headers={**headers, "Prefer": f"scenario={scenario.name}"}
    )
    assert (preferred.status_code, _stable(preferred.data)) == (status, body)
    assert preferred.headers["Preference-Applied"] == f"scenario={scenario.name}"
    rule = client.post(
        "/_mock/faults", json={"provider": provider, "scenario": scenario.name, "times": 1}
    )
    assert rule.status_code == 201, rule.get_json()
    by_rule = client.open(path, method=method, headers=headers)
    assert (by_rule.status_code, _stable(by_rule.data)) == (status, body)
    after = client.open(path, method=method, headers=headers)
    # The rule fired once: the same request now gets its ordinary answer (an unsigned S3 PUT is
    # refused, but not with the scenario's error).
    assert _stable(after.data) != body
    fired = client.get(f"/_mock/faults/{rule.get_json()['id']}").get_json()
    assert fired["fired"] == 1 and fired["active"] is False
    journal = client.get(f"/_mock/requests?provider={provider}&limit=3").get_json()["requests"]
    assert journal[1]["scenario"] == scenario.name and journal[1]["fault"] == fired["id"]


def test_insufficient_credits_creates_unpublished_for_that_request_only(client) -> None:
    items = [
        {"recipient": {"name": f"N{i}", "email": f"n{i}@example.com"}, "group_id": 9001}
        for i in range(3)
    ]
    response = client.post(
        "/accredible/v2/credentials/bulk_create",
        json={"credentials": items},
        headers={**ACCREDIBLE, "Prefer": "scenario=insufficient_credits"},
    )
    assert response.status_code == 207
    assert all(
        r["errors"]["code"] == "insufficient_credits" and not r["credential"]["approve"]
        for r in response.get_json()["results"]
    )
    single = client.post(
        "/accredible/v1/credentials",
        headers=ACCREDIBLE,
        json={
            "credential": {"recipient": {"name": "Z", "email": "z@example.com"}, "group_id": 9001}
        },
    )
    assert single.get_json()["credential"]["approve"] is True  # the next request is ordinary
    details = client.get("/accredible/v1/issuer/details", headers=ACCREDIBLE).get_json()
    assert details["issuer"]["certificate_left"] == 999


def test_unverified_certification_hides_everything_for_that_request(client) -> None:
    post_certificate(client, email="j@corp.example", filename="c.pdf")
    path = "/springest/users/certificates.json?api_key=springest-certificates-key"
    assert len(client.get(path).get_json()["certificates"]) == 1
    hidden = client.get(path, headers={"Prefer": "scenario=unverified_certification"})
    assert hidden.get_json() == {"certificates": []}
    listing = client.get(
        "/springest/certifications.json?api_key=springest-certifications-key",
        headers={"Prefer": "scenario=unverified_certification"},
    )
    assert listing.get_json() == {"certifications": []}


def test_prefer_code_goes_through_the_provider_renderer(client) -> None:
    vec = client.get("/vec/business/certificate-vault", headers={**VEC, "Prefer": "code=500"})
    assert vec.status_code == 500 and vec.get_json()["error_code"] == "SERVER_ERROR"
    accredible = client.get(
        "/accredible/v1/issuer/details", headers={**ACCREDIBLE, "Prefer": "code=429"}
    )
    assert accredible.status_code == 429 and accredible.mimetype == "text/plain"
    xml = client.get(
        "/springest/certifications.xml?api_key=springest-certifications-key",
        headers={"Prefer": "code=404"},
    )
    assert xml.status_code == 404 and b"<error>Not Found</error>" in xml.data
    bad = client.get("/vec/business/certificate-vault", headers={**VEC, "Prefer": "code=200"})
    assert bad.status_code == 400 and "mock_error" in bad.get_json()


def test_unknown_scenarios_say_so_plainly(client) -> None:
    response = client.get(
        "/accredible/v1/issuer/details", headers={**ACCREDIBLE, "Prefer": "scenario=teapot"}
    )
    assert response.status_code == 400
    error = response.get_json()["mock_error"]
    assert "teapot" in error["message"] and "insufficient_credits" in error["known"]
    rule = client.post("/_mock/faults", json={"provider": "vec", "scenario": "teapot"})
    assert rule.status_code == 422


def test_delay_from_prefer_and_rule(client) -> None:
    client.get("/accredible/v1/issuer/details", headers={**ACCREDIBLE, "Prefer": "delay=150"})
    client.post("/_mock/faults", json={"provider": "vec", "delay_ms": 120, "times": 1})
    client.get("/vec/business/certificate-vault", headers=VEC)
    entries = client.get("/_mock/requests").get_json()["requests"]
    assert entries[0]["duration_ms"] >= 120 and entries[1]["duration_ms"] >= 150


def test_rules_match_method_path_and_tenant_and_count(client, runtime) -> None:
    rule = client.post(
        "/_mock/faults",
        json={
            "provider": "accredible",
            "method": "POST",
            "path": "/accredible/v1/credentials",
            "tenant": "accredible:sandbox-college",
            "status": 503,
        },
    ).get_json()
    body = {"credential": {"recipient": {"name": "A", "email": "a@example.com"}, "group_id": 9101}}
    sandbox = {"Authorization": "Token token=accredible-sandbox-key"}
    assert client.post("/accredible/v1/credentials", json=body, headers=sandbox).status_code == 503
    assert (
        client.post(
            "/accredible/v1/credentials",
            json={**body, "credential": {**body["credential"], "group_id": 9001}},
            headers=ACCREDIBLE,
        ).status_code
        == 200
    )
    assert client.get("/accredible/v1/issuer/details", headers=sandbox).status_code == 200
    listed = client.get("/_mock/faults").get_json()["faults"]
    assert listed[0]["id"] == rule["id"] and listed[0]["fired"] == 1 and listed[0]["active"]
    assert client.delete(f"/_mock/faults/{rule['id']}").status_code == 200
    assert client.post("/accredible/v1/credentials", json=body, headers=sandbox).status_code == 200
    runtime.faults.rng.seed(7)
    client.post("/_mock/faults", json={"provider": "vec", "status": 502, "probability": 0.5})
    codes = [
        client.get("/vec/business/certificate-vault", headers=VEC).status_code for _ in range(100)
    ]
    assert 30 <= codes.count(502) <= 70 and set(codes) == {200, 502}
    assert client.delete("/_mock/faults").status_code == 200
    assert client.get("/_mock/faults").get_json()["count"] == 0


def test_rule_validation_and_network_faults_in_process(client) -> None:
    for body in (
        {"provider": "vec"},
        {"status": 200},
        {"network": "explode"},
        {"provider": "vec", "status": 500, "colour": "red"},
        {"probability": 2},
    ):
        assert client.post("/_mock/faults", json=body).status_code == 422, body
    refused = client.get(
        "/vec/business/certificate-vault", headers={**VEC, "Prefer": "network=reset"}
    )
    assert refused.status_code == 501  # the Flask test client has no socket to break
    assert "waitress" in refused.get_json()["mock_error"]["message"]
    assert "Preference-Applied" not in refused.headers  # nothing was applied
    bad_delay = client.get(
        "/vec/business/certificate-vault", headers={**VEC, "Prefer": "delay=soon"}
    )
    assert bad_delay.status_code == 400 and "Preference-Applied" not in bad_delay.headers


def test_behavioural_scenarios_through_a_rule(client) -> None:
    client.post(
        "/_mock/faults",
        json={"provider": "springest", "times": 1, "scenario": "unverified_certification"},
    )
    path = "/springest/certifications.json?api_key=springest-certifications-key"
    assert client.get(path).get_json() == {"certifications": []}
    assert len(client.get(path).get_json()["certifications"]) == 3
    client.post(
        "/_mock/faults",
        json={"provider": "accredible", "times": 1, "scenario": "insufficient_credits"},
    )
    body = {"credential": {"recipient": {"name": "A", "email": "a@example.com"}, "group_id": 9001}}
    first = client.post("/accredible/v1/credentials", json=body, headers=ACCREDIBLE)
    assert first.get_json()["credential"]["approve"] is False
    body["credential"]["recipient"]["email"] = "b@example.com"
    second = client.post("/accredible/v1/credentials", json=body, headers=ACCREDIBLE)
    assert second.get_json()["credential"]["approve"] is True


def test_every_error_status_a_contract_documents_has_a_scenario() -> None:
    """The catalogue is complete against the contracts: each provider's documented error
    statuses (and Accredible's 207) each have a named outcome. 405 is the router's, 302 a
    redirect."""
    from mockserver.core.contracts import contract_path

    for cls in discover():
        document = yaml.safe_load(contract_path(cls.name).read_text())
        documented = {
            int(code)
            for item in document["paths"].values()
            for operation in item.values()
            if isinstance(operation, dict)
            for code in operation.get("responses", {})
            if code.isdigit() and (int(code) >= 400 or code == "207")
        } - {405}
        named = {scenario.status for scenario in cls.scenarios}
        assert documented <= named, f"{cls.name}: no scenario for {sorted(documented - named)}"
