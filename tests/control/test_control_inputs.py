"""Control-plane inputs are checked, and a wrong one gets a 400 that says what is allowed,
never a 500 or a silent change (issue 17, part 3)."""

from __future__ import annotations

import pytest

from mockserver.core.faults import MAX_DELAY_MS
from mockserver.core.outcomes import _as_applied
from tests.accredible.helpers import AUTH
from tests.seekpass.helpers import auth, token

VERIFY = "/seekpass/api/partner/v2/verify/requests/digital_identity.json"


@pytest.mark.parametrize(
    ("advance", "seconds"),
    [("90s", 90), ("15m", 900), ("48h", 172800), ("2d", 172800), ("2w", 1209600), (30, 30)],
)
def test_the_clock_takes_durations_with_units(client, advance, seconds) -> None:
    before = client.get("/_mock/clock").get_json()["offset_seconds"]
    answer = client.post("/_mock/clock", json={"advance": advance})
    assert answer.status_code == 200
    assert answer.get_json()["offset_seconds"] - before == pytest.approx(seconds, abs=1)


@pytest.mark.parametrize("advance", ["2 weeks", "abc", True, "1e400", "-1000000000000"])
def test_a_wrong_duration_is_a_400_naming_the_forms(client, advance) -> None:
    answer = client.post("/_mock/clock", json={"advance": advance})
    assert answer.status_code == 400
    message = answer.get_json()["mock_error"]["message"]
    assert "90s, 15m, 48h, 2d, 2w" in message or "century" in message


def test_the_dashboards_clock_takes_the_same_durations(client) -> None:
    page = client.get("/_mock/")
    token_value = page.get_data(as_text=True).split('name="form_token" value="', 1)[1][:64]
    token_value = token_value.split('"', 1)[0]
    before = client.get("/_mock/clock").get_json()["offset_seconds"]
    client.post("/_mock/ui/clock", data={"advance": "1h", "form_token": token_value})
    after = client.get("/_mock/clock").get_json()["offset_seconds"]
    assert after - before == pytest.approx(3600, abs=1)


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        ("since=2026-01-01", "RFC 3339"),
        ("since=abc", "journal id"),
        ("status=abc", "2xx-5xx"),
    ],
)
def test_journal_criteria_are_checked(client, query, allowed) -> None:
    answer = client.get(f"/_mock/requests?{query}")
    assert answer.status_code == 400
    assert allowed in answer.get_json()["mock_error"]["message"]
    found = client.post("/_mock/requests/find", json=dict([query.split("=", 1)]))
    assert found.status_code == 400


def test_since_takes_an_id_or_a_time(client) -> None:
    client.get("/accredible/v1/issuer/details", headers=AUTH)
    latest = client.get("/_mock/requests?limit=1").get_json()["requests"][0]
    assert client.get(f"/_mock/requests/count?since={latest['id']}").get_json()["count"] == 0
    before = client.get("/_mock/requests/count?since=2000-01-01T00:00:00Z").get_json()["count"]
    assert before >= 1
    later = client.get("/_mock/requests/count?since=2999-01-01T00:00:00Z").get_json()["count"]
    assert later == 0


def test_vec_processing_and_webhook_are_checked(client) -> None:
    negative = client.post("/_mock/vec/processing", json={"processing_seconds": -1})
    assert negative.status_code == 400
    assert "may not be negative" in negative.get_json()["mock_error"]["message"]
    days = client.post("/_mock/vec/processing", json={"processing_seconds": "2d"})
    assert days.get_json()["processing_seconds"] == 172800
    ftp = client.put("/_mock/vec/webhook", json={"url": "ftp://x"})
    assert (
        ftp.status_code == 400 and "http:// or https://" in ftp.get_json()["mock_error"]["message"]
    )


def test_a_tenant_may_be_named_by_its_fixture_id_alone(client) -> None:
    short = client.post("/_mock/vec/processing", json={"tenant": "second-college", "fail_next": 1})
    assert short.status_code == 200 and short.get_json()["tenant"] == "vec:second-college"
    unknown = client.post("/_mock/vec/processing", json={"tenant": "nowhere"})
    assert unknown.status_code == 404
    assert "vec:demo-institute" in unknown.get_json()["mock_error"]["known"]


def test_seekpass_completion_by_either_id(client) -> None:
    headers = auth(token(client))
    client.post(VERIFY, json={"request_id": "partner-77"}, headers=headers)
    done = client.post("/_mock/seekpass/requests/partner-77/complete", json={"outcome": "canceled"})
    assert done.status_code == 200, done.get_json()
    status = client.get(
        "/seekpass/api/partner/v1/submissions/partner-77/status.json", headers=headers
    ).get_json()
    assert status["status"] == "canceled"


def test_preferences_say_what_was_applied(client) -> None:
    assert _as_applied("delay", "999999") == str(MAX_DELAY_MS)  # waits the ceiling, says so
    assert _as_applied("delay", "1500") == "1500"
    limited = client.get("/accredible/v1/issuer/details", headers={**AUTH, "Prefer": "code=429"})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "30"  # as Accredible's own 429 (rack-attack)
    vec = client.get(
        "/vec/business/certificate-vault",
        headers={"Authorization": "Bearer vec-demo-full-token", "Prefer": "code=429"},
    )
    assert vec.status_code == 429 and vec.headers["Retry-After"].isdigit()


def test_quota_windows_take_durations_too(client) -> None:
    answer = client.post(
        "/_mock/accredible/rate_limit",
        json={"limit": 5, "window_seconds": "5m", "period_seconds": "30s"},
    )
    assert answer.status_code == 200, answer.get_json()
    wrong = client.post(
        "/_mock/accredible/rate_limit", json={"limit": 5, "window_seconds": "5 min"}
    )
    assert wrong.status_code in (400, 422)
    assert "90s, 15m, 48h, 2d, 2w" in str(wrong.get_json())


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"),
    [
        ("POST", "/_mock/accredible/credits", {"balance": "x"}, "whole number from 0"),
        ("POST", "/_mock/accredible/credits", {"balance": 1, "bal": 2}, "['balance', 'tenant']"),
        (
            "POST",
            "/_mock/accredible/rate_limit",
            {"limit": 5, "scope": "everything"},
            "all, search_v1",
        ),
        ("POST", "/_mock/accredible/rate_limit", {"limit": "x"}, "whole number from 1"),
        ("POST", "/_mock/accredible/rate_limit", {"limit": 5, "window": 3}, "window_seconds"),
        (
            "POST",
            "/_mock/springest/limits",
            {"limit": 3, "scope": "posts"},
            "certificate_posts, requests",
        ),
        (
            "POST",
            "/_mock/vec/processing",
            {"fail_emails": "a@b.example"},
            "list of email addresses",
        ),
        ("POST", "/_mock/vec/processing", {"processing": 5}, "processing_seconds"),
        ("POST", "/_mock/seekpass/requests/x/complete", {"outcome": "maybe"}, "verified, canceled"),
        ("POST", "/_mock/seekpass/requests/x/complete", {"credential": "Ada"}, "object"),
        ("POST", "/_mock/clock", {"freeze": "yes"}, "true or false"),
        ("POST", "/_mock/reset", {"fixtures": "old"}, '"initial"'),
        ("GET", "/_mock/issued?limit=-5", None, "from 1 to 10000"),
        (
            "GET",
            "/_mock/issued?provider=acme",
            None,
            "seekpass, vec, accredible, springest, uploads",
        ),
        ("GET", "/_mock/state?provider=acme", None, "seekpass, vec, accredible, springest"),
        ("GET", "/_mock/scenarios?provider=acme", None, "springest, s3"),
        ("GET", "/_mock/webhooks?status=sent", None, "pending, retrying, delivered, failed"),
        ("GET", "/_mock/uploads?status=done", None, "pending, uploaded, closed"),
    ],
)
def test_every_other_control_input_is_checked_too(client, method, path, body, allowed) -> None:
    """Each of these was taken silently before (a wrong scope meant the default one, a string
    of fail_emails was read letter by letter, an unknown provider listed nothing)."""
    answer = client.open(path, method=method, json=body)
    assert answer.status_code == 400, answer.get_json()
    assert allowed in answer.get_json()["mock_error"]["message"]


def test_the_settings_those_checks_guard_still_apply(client) -> None:
    assert (
        client.post(
            "/_mock/accredible/rate_limit", json={"limit": 5, "scope": "search_v1"}
        ).status_code
        == 200
    )
    assert client.get("/_mock/accredible/rate_limit").get_json()["search_v1"]["limit"] == 5
    assert (
        client.post("/_mock/springest/limits", json={"limit": 4, "scope": "requests"}).status_code
        == 200
    )
    assert client.get("/_mock/springest/limits").get_json()["requests"]["limit"] == 4
    answer = client.post("/_mock/vec/processing", json={"fail_emails": ["Bad@Example.com"]})
    assert answer.get_json()["fail_emails"] == ["bad@example.com"]
    assert client.post("/_mock/clock", json={"freeze": True}).get_json()["frozen"] is True
