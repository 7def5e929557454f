"""A small integration, as a consumer would write it: issue certificates through Accredible's
v2 bulk endpoint and file one with Springest. It knows nothing about mockserver; only its base
URLs point at the sandbox in tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests


@dataclass
class IssueReport:
    published: list[str] = field(default_factory=list)  # recipient emails
    unpublished: list[str] = field(default_factory=list)  # created, waiting for credits
    refused: dict[str, str] = field(default_factory=dict)  # email -> reason


def issue_course(base_url: str, api_key: str, group_id: int, learners: list[dict]) -> IssueReport:
    """Issue a credential to each learner, 30 per request, retrying once on a 5xx."""
    report = IssueReport()
    session = requests.Session()
    session.headers["Authorization"] = f"Token token={api_key}"
    for start in range(0, len(learners), 30):
        chunk = learners[start : start + 30]
        body = {"credentials": [{"recipient": learner, "group_id": group_id} for learner in chunk]}
        for _attempt in range(2):
            answer = session.post(f"{base_url}/v2/credentials/bulk_create", json=body, timeout=30)
            if answer.status_code < 500:
                break
        if answer.status_code >= 500:
            raise RuntimeError(f"Accredible failed twice: {answer.status_code}")
        for learner, result in zip(chunk, answer.json()["results"], strict=True):
            email = learner["email"]
            problem = result.get("errors") or result.get("error")
            if "credential" not in result:
                details = problem.get("details") or [{}]
                report.refused[email] = details[0].get("message") or problem["message"]
            elif problem and problem["code"] == "insufficient_credits":
                report.unpublished.append(email)
            else:
                report.published.append(email)
    return report


def file_certificate(
    base_url: str, api_key: str, certification_id: int, email: str, valid_from: str, pdf: bytes
) -> int:
    """Post a certificate to Springest; its id."""
    answer = requests.post(
        f"{base_url}/users/certificates.json",
        params={"api_key": api_key},
        data={"certification_id": str(certification_id), "email": email, "valid_from": valid_from},
        files={"file": ("certificate.pdf", pdf, "application/pdf")},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["certificate"]["id"]
