"""Springest certificates: the multipart POST's rules, verification gating, filters, the
quotas, formats and keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.springest.helpers import (
    BASE,
    CERTIFICATIONS_KEY,
    KEY,
    NARROW_KEY,
    OTHER_KEY,
    PNG,
    listed,
    parse_xml,
    post,
)


def test_post_stores_and_answers_the_certificate_in_json(client) -> None:
    response = post(client, conversion_id="555")
    assert response.status_code == 200
    certificate = response.get_json()["certificate"]
    assert certificate["certification_id"] == 104
    assert certificate["name"] == "Professional Scrum Master I"
    assert certificate["user"] == {"email": "jan@corp.example", "external_id": "EMP-0001"}
    assert certificate["external_id"] == "EMP-0001"
    assert certificate["status"] == "valid" and certificate["valid_until"] is None
    assert [c["id"] for c in listed(client)] == [certificate["id"]]


def test_post_in_xml_on_the_older_path_with_booking_id(client) -> None:
    response = post(
        client, fmt=".xml", path="/certificates", booking_id="77", file=PNG, filename="scan.png"
    )
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = parse_xml(response.data)
    assert root.tag == "certificate"
    assert root.find("certification-id").attrib["type"] == "integer"
    assert root.find("valid-from").attrib["type"] == "date"
    assert root.find("valid-until").attrib == {"type": "date", "nil": "true"}
    assert root.find("user/external-id").text == "EMP-0001"


def test_missing_fields_are_all_named_in_one_400(client) -> None:
    response = post(client, file=None, certification_id=None, email=None, valid_from=None)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "certification_id": ["is required"],
            "email": ["is required"],
            "valid_from": ["is required"],
            "file": ["is required"],
        }
    }
    bad = post(client, email="nope", valid_from="01-01-2024", certification_id="abc")
    assert bad.get_json() == {
        "error": {
            "certification_id": ["must be an integer"],
            "email": ["should be an email address"],
            "valid_from": ["must be a date (YYYY-MM-DD)"],
        }
    }


def test_valid_until_required_by_the_certification_and_after_valid_from(client) -> None:
    missing = post(client, certification_id="101")
    assert missing.status_code == 400
    assert missing.get_json() == {"error": {"valid_until": ["is required"]}}
    backwards = post(client, certification_id="101", valid_until="2023-01-01")
    assert backwards.get_json() == {"error": {"valid_until": ["must be on or after valid_from"]}}
    assert post(client, certification_id="101", valid_until="2027-01-01").status_code == 200


def test_files_must_be_real_files(client) -> None:
    base64_part = post(client, file=b"JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+Pgo=")
    assert base64_part.status_code == 400
    assert "base64 is not allowed" in base64_part.get_json()["error"]["file"][0]
    as_text = client.post(
        f"{BASE}/users/certificates.json?api_key={KEY}",
        data={
            "certification_id": "104",
            "email": "a@b.example",
            "valid_from": "2024-01-01",
            "file": "JVBERi0xLjQK",
        },
        content_type="multipart/form-data",
    )
    assert "base64 is not allowed" in as_text.get_json()["error"]["file"][0]
    exe = post(client, file=b"MZ\x90\x00" + b"\x00" * 60, filename="virus.pdf")
    assert exe.get_json() == {"error": {"file": ["must be a PDF (preferred), JPEG or PNG file"]}}
    json_body = client.post(
        f"{BASE}/users/certificates.json?api_key={KEY}", json={"certification_id": 104}
    )
    assert json_body.status_code == 400
    assert "multipart/form-data" in json_body.get_json()["error"]


def test_certificates_appear_only_once_the_certification_is_verified(client) -> None:
    assert post(client, certification_id="102").status_code == 200
    assert listed(client) == []
    verify = client.post("/_mock/springest/certifications/102/verify", json={})
    assert verify.status_code == 200
    assert [c["certification_id"] for c in listed(client)] == [102]
    client.post("/_mock/springest/certifications/102/unverify", json={})
    assert listed(client) == []


def test_keys_see_and_post_only_their_certifications(client) -> None:
    refused = post(client, certification_id="103")
    assert refused.status_code == 403 and refused.get_json() == {"error": "Forbidden"}
    assert (
        post(
            client,
            key=NARROW_KEY,
            certification_id="103",
            valid_until="2030-01-01",
            email="fatima@corp.example",
        ).status_code
        == 200
    )
    post(client)
    assert [c["certification_id"] for c in listed(client, key=NARROW_KEY)] == [103]
    assert [c["certification_id"] for c in listed(client)] == [104]
    hidden = client.get(f"{BASE}/users/certificates.json?api_key={KEY}&certification_id=103")
    assert hidden.status_code == 403
    other = listed(client, key=OTHER_KEY)
    assert other == []  # another partner never sees these


def test_filters_email_certification_and_created_from(client, runtime) -> None:
    runtime.clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    post(client, email="jan@corp.example")
    runtime.clock.advance(86400 * 10)
    post(client, email="fatima@corp.example")
    post(client, certification_id="101", valid_until="2030-01-01")
    assert len(listed(client, email="JAN@corp.example")) == 2
    assert len(listed(client, certification_id="104")) == 2
    assert len(listed(client, created_from="2026-03-11")) == 2
    assert len(listed(client, created_from="2026-03-01")) == 3
    assert (
        len(
            listed(
                client, created_from="2026-03-11", email="jan@corp.example", certification_id="101"
            )
        )
        == 1
    )
    bad = client.get(f"{BASE}/users/certificates.xml?api_key={KEY}&created_from=yesterday")
    assert bad.status_code == 400
    assert parse_xml(bad.data).find("error/created-from/created-from").text == (
        "must be a date (YYYY-MM-DD)"
    )


def test_expired_status_follows_the_server_clock(client, runtime) -> None:
    post(client, certification_id="101", valid_until="2030-06-30")
    assert listed(client)[0]["status"] == "valid"
    runtime.clock.advance(86400 * 365 * 5)
    assert listed(client)[0]["status"] == "expired"


def test_the_31st_post_within_a_minute_is_refused_and_not_stored(client, runtime) -> None:
    runtime.clock.freeze()
    codes = [post(client, email=f"p{i}@corp.example").status_code for i in range(31)]
    assert codes == [200] * 30 + [400]
    refused = post(client, fmt=".xml", email="late@corp.example")
    assert refused.status_code == 400
    assert "30 certificates" in parse_xml(refused.data).find("error").text
    assert len(runtime.store.list("springest:demo-lms", "certificate")) == 30
    # Another key has its own quota; a minute later this key may post again.
    assert (
        post(client, key=NARROW_KEY, certification_id="103", valid_until="2030-01-01").status_code
        == 200
    )
    runtime.clock.advance(60)
    assert post(client, email="next@corp.example").status_code == 200
    runtime.clock.unfreeze()


def test_hourly_cap_applies_to_every_endpoint(client) -> None:
    client.post("/_mock/springest/limits", json={"scope": "requests", "limit": 2})
    assert client.get(f"{BASE}/users/certificates.json?api_key={KEY}").status_code == 200
    assert post(client).status_code == 200
    capped = client.get(f"{BASE}/users/certificates.xml?api_key={KEY}")
    assert capped.status_code == 400
    assert "4000 requests per hour" in parse_xml(capped.data).find("error").text


@pytest.mark.parametrize("fmt", [".json", ".xml", ""])
def test_missing_or_unknown_key_is_401_in_the_requested_format(client, fmt) -> None:
    for query in ("", "?api_key=nope"):
        response = client.get(f"{BASE}/users/certificates{fmt}{query}")
        assert response.status_code == 401
        if fmt == ".xml":
            assert parse_xml(response.data).find("error").text == "Unauthorized"
        else:
            assert response.get_json() == {"error": "Unauthorized"}


def test_each_key_kind_only_on_its_own_endpoints(client) -> None:
    assert client.get(f"{BASE}/certifications.json?api_key={KEY}").status_code == 403
    wrong = post(client, key=CERTIFICATIONS_KEY)
    assert wrong.status_code == 403
    assert (
        client.get(f"{BASE}/users/certificates.json?api_key={CERTIFICATIONS_KEY}").status_code
        == 403
    )


def test_certifications_lists_the_verified_ones_in_both_formats(client) -> None:
    body = client.get(f"{BASE}/certifications.json?api_key={CERTIFICATIONS_KEY}").get_json()
    assert [c["id"] for c in body["certifications"]] == [101, 103, 104]
    assert body["certifications"][0]["requires_valid_until"] is True
    xml = client.get(f"{BASE}/certifications.xml?api_key={CERTIFICATIONS_KEY}")
    root = parse_xml(xml.data)
    assert root.tag == "certifications" and root.attrib == {"type": "array"}
    assert [e.find("id").text for e in root.findall("certification")] == ["101", "103", "104"]
    assert root.find("certification/requires-valid-until").attrib["type"] == "boolean"
    client.post("/_mock/springest/certifications/102/verify", json={})
    after = client.get(f"{BASE}/certifications?api_key={CERTIFICATIONS_KEY}").get_json()
    assert [c["id"] for c in after["certifications"]] == [101, 102, 103, 104]


def test_unknown_paths_and_methods(client) -> None:
    missing = client.get(f"{BASE}/users/certificates.csv?api_key={KEY}")
    assert missing.status_code == 404 and missing.get_json() == {"error": "Not Found"}
    method = client.delete(f"{BASE}/users/certificates.xml?api_key={KEY}")
    assert method.status_code == 405
    assert parse_xml(method.data).find("error").text == "Method Not Allowed"


def test_every_problem_of_a_post_is_reported_at_once(client) -> None:
    """A missing valid_until (certification 101 requires one), a text file and a bad email:
    all three in one 400, as the fidelity notes promise."""
    response = post(
        client,
        certification_id="101",
        email="not-an-email",
        file=b"plain words in a text file",
        filename="certificate.txt",
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "email": ["should be an email address"],
            "valid_until": ["is required"],
            "file": ["must be a PDF (preferred), JPEG or PNG file"],
        }
    }
    missing_id = post(client, certification_id=None, file=b"text", filename="c.txt")
    assert set(missing_id.get_json()["error"]) == {"certification_id", "file"}


def test_text_that_happens_to_be_base64_is_judged_by_its_type(client) -> None:
    """'Certificate' is made of base64 letters, but it is not an encoded file: wrong type."""
    response = post(client, file=b"Certificate", filename="certificate.txt")
    assert response.get_json() == {
        "error": {"file": ["must be a PDF (preferred), JPEG or PNG file"]}
    }
