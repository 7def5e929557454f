"""The consumer's tests: only the `mockserver` fixture from mockserver's pytest plugin."""

from __future__ import annotations

import pytest
import requests
from issuer import file_certificate, issue_course

KEY = "accredible-demo-key"
PDF = b"%PDF-1.4\n%%EOF\n"


def learners(count: int) -> list[dict]:
    return [{"name": f"Learner {i}", "email": f"learner{i}@example.com"} for i in range(count)]


def test_a_course_of_40_is_issued_in_two_requests(mockserver) -> None:
    report = issue_course(mockserver.url("accredible"), KEY, 9001, learners(40))
    assert len(report.published) == 40 and not report.unpublished and not report.refused
    assert mockserver.count(method="POST", path="/accredible/v2/credentials/bulk_create") == 2


def test_running_out_of_credits_is_reported_not_lost(mockserver) -> None:
    mockserver.add_fault(provider="accredible", scenario="insufficient_credits", times=1)
    report = issue_course(mockserver.url("accredible"), KEY, 9001, learners(3))
    assert report.unpublished == [f"learner{i}@example.com" for i in range(3)]


def test_duplicates_are_refused_with_accredibles_reason(mockserver) -> None:
    issue_course(mockserver.url("accredible"), KEY, 9001, learners(2))
    report = issue_course(mockserver.url("accredible"), KEY, 9001, learners(3))
    assert report.published == ["learner2@example.com"]
    assert "already been taken" in report.refused["learner0@example.com"]


def test_one_5xx_is_retried_and_two_are_an_error(mockserver) -> None:
    mockserver.add_fault(provider="accredible", status=503, times=1)
    assert len(issue_course(mockserver.url("accredible"), KEY, 9001, learners(1)).published) == 1
    mockserver.add_fault(provider="accredible", status=503, times=2)
    with pytest.raises(RuntimeError, match="failed twice"):
        issue_course(mockserver.url("accredible"), KEY, 9001, learners(1))


def test_a_springest_certificate_shows_once_verified(mockserver) -> None:
    base = mockserver.url("springest")
    key = "springest-certificates-key"
    certificate_id = file_certificate(base, key, 102, "jan@corp.example", "2026-01-01", PDF)
    listed = requests.get(f"{base}/users/certificates.json", params={"api_key": key}, timeout=10)
    assert listed.json() == {"certificates": []}
    mockserver.call("POST", "/_mock/springest/certifications/102/verify", {})
    listed = requests.get(f"{base}/users/certificates.json", params={"api_key": key}, timeout=10)
    assert [c["id"] for c in listed.json()["certificates"]] == [certificate_id]


def test_each_test_starts_from_the_fixtures(mockserver) -> None:
    assert mockserver.count() == 0  # nothing from the tests before
    assert {t["tenant"] for t in mockserver.credentials["accredible"]} == {
        "accredible:demo-academy",
        "accredible:sandbox-college",
    }
