"""Each provider's control-plane actions as methods (`sandbox.seekpass.complete(...)`), so a
test says what the user or the provider's staff does, not which `/_mock` path does it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.testkit.results import SeekPassRequest, build

Call = Callable[..., Any]


def _tenant(tenant: str | None) -> dict[str, Any]:
    return {"tenant": tenant} if tenant else {}


class SeekPassActions:
    """The SEEK Pass user's side."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def requests(self, tenant: str | None = None) -> list[SeekPassRequest]:
        query = f"?tenant={tenant}" if tenant else ""
        answer = self._call("GET", f"/_mock/seekpass/requests{query}")
        return [build(SeekPassRequest, r) for r in answer["requests"]]

    def complete(
        self, request_id: str, outcome: str = "verified", credential: dict[str, Any] | None = None
    ) -> SeekPassRequest:
        """Verify (`"verified"`) or decline (`"canceled"`) a request, by SEEK Pass's id (the
        redirect's `content=`) or the partner's own; `credential` sets a verified identity."""
        body: dict[str, Any] = {"outcome": outcome}
        if credential is not None:
            body["credential"] = credential
        return build(
            SeekPassRequest,
            self._call("POST", f"/_mock/seekpass/requests/{request_id}/complete", body),
        )

    def verify(self, request_id: str, credential: dict[str, Any] | None = None) -> SeekPassRequest:
        return self.complete(request_id, "verified", credential)

    def decline(self, request_id: str) -> SeekPassRequest:
        return self.complete(request_id, "canceled")


class VecActions:
    """VEC's processing and its signatories."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def processing(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_mock/vec/processing")

    def set_processing(
        self,
        seconds: float | str | None = None,
        *,
        fail_next: int | None = None,
        fail_emails: list[str] | None = None,
        tenant: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = _tenant(tenant)
        if seconds is not None:
            body["processing_seconds"] = seconds
        if fail_next is not None:
            body["fail_next"] = fail_next
        if fail_emails is not None:
            body["fail_emails"] = fail_emails
        return self._call("POST", "/_mock/vec/processing", body)

    def fail_next(self, count: int = 1, tenant: str | None = None) -> dict[str, Any]:
        return self.set_processing(fail_next=count, tenant=tenant)

    def process(self) -> int:
        """Finish the processing due on the server clock now; how many certificates finished."""
        return self._call("POST", "/_mock/vec/process")["vault_certificates_finished"]

    def approve(self, batch_id: str, tenant: str | None = None) -> dict[str, Any]:
        return self._call("POST", f"/_mock/vec/batches/{batch_id}/approve", _tenant(tenant))

    def set_webhook(
        self, url: str | None, secret: str | None = None, tenant: str | None = None
    ) -> dict[str, Any]:
        body = {"url": url, **_tenant(tenant), **({"secret": secret} if secret else {})}
        return self._call("PUT", "/_mock/vec/webhook", body)


class AccredibleActions:
    """Accredible's account side: credits, the rate limit, exports."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def credits(self) -> dict[str, int]:
        return self._call("GET", "/_mock/accredible/credits")

    def set_credits(self, balance: int, tenant: str | None = None) -> dict[str, Any]:
        return self._call(
            "POST", "/_mock/accredible/credits", {"balance": balance, **_tenant(tenant)}
        )

    def set_rate_limit(
        self, limit: int, window_seconds: float | str | None = None, scope: str = "all"
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"limit": limit, "scope": scope}
        if window_seconds is not None:
            body["window_seconds"] = window_seconds
        return self._call("POST", "/_mock/accredible/rate_limit", body)

    def finish_exports(self) -> int:
        return self._call("POST", "/_mock/accredible/exports/complete")["completed"]


class SpringestActions:
    """Springest's staff: certification verification and the quotas."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def certifications(self) -> Any:
        return self._call("GET", "/_mock/springest/certifications")

    def verify(self, certification_id: int, tenant: str | None = None) -> dict[str, Any]:
        return self._call(
            "POST", f"/_mock/springest/certifications/{certification_id}/verify", _tenant(tenant)
        )

    def unverify(self, certification_id: int, tenant: str | None = None) -> dict[str, Any]:
        return self._call(
            "POST", f"/_mock/springest/certifications/{certification_id}/unverify", _tenant(tenant)
        )

    def set_limit(
        self,
        limit: int,
        scope: str = "certificate_posts",
        window_seconds: float | str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"limit": limit, "scope": scope}
        if window_seconds is not None:
            body["window_seconds"] = window_seconds
        return self._call("POST", "/_mock/springest/limits", body)
