"""`mockserver.testing` outside pytest's fixture: the context manager, the decorator, the
unittest base class, typed answers, ControlError, each provider's actions and a clean stop."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import unittest

import pytest
import requests

from mockserver.core.startup import StartupError
from mockserver.testing import (
    Clock,
    ControlError,
    FaultRule,
    JournalEntry,
    Sandbox,
    SandboxTestCase,
    Scenario,
    sandboxed,
)
from tests.seekpass.helpers import http_token

VEC = {"Authorization": "Bearer vec-demo-full-token"}
ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}


def test_context_manager_stops_the_server_on_the_way_out() -> None:
    with Sandbox.start() as sandbox:
        base = sandbox.base_url
        assert requests.get(f"{base}/_mock/health", timeout=10).json()["status"] == "ok"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/_mock/health", timeout=5)


def test_a_wrong_setting_is_the_one_line_startup_error() -> None:
    with pytest.raises(StartupError) as caught:
        Sandbox.start(threads=0)
    assert "threads" in str(caught.value)


def test_decorator_passes_a_sandbox_and_stops_it() -> None:
    seen = []

    @sandboxed
    def plain(label: str, sandbox: Sandbox) -> str:
        seen.append(sandbox.base_url)
        return label + str(sandbox.count())

    @sandboxed(journal_size=5)
    def configured(sandbox: Sandbox) -> int:
        return sandbox.call("GET", "/_mock/requests")["journal_size"]

    assert plain("requests: ") == "requests: 0"
    assert configured() == 5
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{seen[0]}/_mock/health", timeout=5)


def test_typed_answers_and_control_errors() -> None:
    with Sandbox.start() as sandbox:
        rule = sandbox.add_fault(provider="vec", method="GET", status=503, times=1)
        assert isinstance(rule, FaultRule) and rule.times == 1 and rule.fired == 0
        assert (
            requests.get(sandbox.url("vec", "/business/certificate-vault"), headers=VEC).status_code
            == 503
        )
        assert sandbox.fault(rule.id).fired == 1
        entry = sandbox.requests(provider="vec")[0]
        assert isinstance(entry, JournalEntry)
        assert (entry.status, entry.fault, entry.tenant) == (503, rule.id, "vec:demo-institute")
        assert entry.header("authorization") == "Bearer ***"
        assert entry.response_json()["error_code"] == "SERVER_ERROR"
        clock = sandbox.advance("2d")
        assert isinstance(clock, Clock) and clock.offset_seconds >= 2 * 86400 - 5
        scenarios = sandbox.scenarios("accredible")
        assert all(isinstance(s, Scenario) for s in scenarios)
        credits = next(s for s in scenarios if s.name == "insufficient_credits")
        assert "POST /v1/credentials" in " ".join(credits.operations)

        with pytest.raises(ControlError) as caught:
            sandbox.advance("soon")
        assert caught.value.status == 400
        assert caught.value.body["mock_error"]["status"] == 400
        assert "90s" in caught.value.message
        with pytest.raises(ControlError) as missing:
            sandbox.fault("nope")
        assert missing.value.status == 404


def test_provider_actions() -> None:
    with Sandbox.start() as sandbox:
        sandbox.accredible.set_credits(2, tenant="demo-academy")
        assert sandbox.accredible.credits()["accredible:demo-academy"] == 2
        details = requests.get(sandbox.url("accredible", "/v1/issuer/details"), headers=ACCREDIBLE)
        assert details.json()["issuer"]["certificate_left"] == 2
        assert sandbox.accredible.set_rate_limit(7)["limit"] == 7
        assert sandbox.accredible.finish_exports() == 0

        sandbox.vec.fail_next(2, tenant="demo-institute")
        assert (
            next(p for p in sandbox.vec.processing() if p["tenant"] == "vec:demo-institute")[
                "fail_next"
            ]
            == 2
        )
        assert sandbox.vec.set_processing("15m")["processing_seconds"] == 900
        assert sandbox.vec.process() == 0
        with pytest.raises(ControlError) as caught:
            sandbox.vec.approve("no-such-batch")
        assert caught.value.status == 404

        sandbox.springest.verify(102)
        listed = requests.get(
            sandbox.url("springest", "/certifications.json"),
            params={"api_key": "springest-certifications-key"},
            timeout=10,
        ).json()
        assert 102 in [c["id"] for c in listed["certifications"]]
        assert sandbox.springest.set_limit(3)["limit"] == 3

        token = http_token(sandbox.url("seekpass"))
        made = requests.post(
            sandbox.url("seekpass", "/api/partner/v2/verify/requests/digital_identity.json"),
            json={"request_id": "helper-1"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert made.status_code == 201
        waiting = sandbox.seekpass.requests()
        assert [(r.credential_id, r.status) for r in waiting] == [("helper-1", "incomplete")]
        done = sandbox.seekpass.verify("helper-1", {"full_name": "Ada Lovelace"})
        assert done.status == "verified" and done.result["full_name"] == "Ada Lovelace"


def test_reset_puts_back_the_fixtures_the_sandbox_started_with() -> None:
    with Sandbox.start() as sandbox:
        before = [t["tenant"] for t in sandbox.credentials["seekpass"]]
        sandbox.fixtures(
            {
                "seekpass": {
                    "accounts": [
                        {"id": "mine", "clients": [{"client_id": "c", "client_secret": "s"}]}
                    ]
                }
            }
        )
        assert [t["tenant"] for t in sandbox.credentials["seekpass"]] == ["seekpass:mine"]
        sandbox.reset(fixtures="current")
        assert [t["tenant"] for t in sandbox.credentials["seekpass"]] == ["seekpass:mine"]
        sandbox.reset()
        assert [t["tenant"] for t in sandbox.credentials["seekpass"]] == before


class _UnitStyle(SandboxTestCase):
    __test__ = False  # run by the test below, through unittest's own runner

    def test_one_loads_fixtures_and_state(self) -> None:
        self.sandbox.fixtures(
            {
                "seekpass": {
                    "accounts": [
                        {"id": "mine", "clients": [{"client_id": "c", "client_secret": "s"}]}
                    ]
                }
            }
        )
        requests.get(
            self.sandbox.url("vec", "/business/certificate-vault"), headers=VEC, timeout=10
        )

    def test_two_starts_clean(self) -> None:
        tenants = [t["tenant"] for t in self.sandbox.credentials["seekpass"]]
        self.assertNotIn("seekpass:mine", tenants)
        self.assertEqual(self.sandbox.count(), 0)


def test_unittest_base_class_gives_each_test_a_clean_sandbox() -> None:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(_UnitStyle)
    result = unittest.TextTestRunner(stream=open("/dev/null", "w"), verbosity=0).run(suite)  # noqa: SIM115
    assert result.wasSuccessful(), result.failures + result.errors
    assert result.testsRun == 2


STOP_LOOP = """
import requests
from mockserver.testing import Sandbox
for _ in range({cycles}):
    sandbox = Sandbox.start()
    with requests.Session() as session:  # keep-alive connections open at stop
        for _ in range(3):
            session.get(sandbox.url("vec", "/business/certificate-vault"),
                        headers={{"Authorization": "Bearer vec-demo-full-token"}}, timeout=10)
    sandbox.stop()
print("stopped")
"""


def test_stopping_outside_pytest_prints_nothing() -> None:
    """Before: a waitress `Bad file descriptor` traceback in about 1 of 20 stops."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STOP_LOOP.format(cycles=15))],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
