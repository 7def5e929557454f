"""Verdicts a safe request's answer waits for (core/later_verdicts.py): applied after the
view, the first refusal raised, every waiting hit asked for, nothing left past the request."""

from __future__ import annotations

import pytest
from flask import Flask, g

from mockserver.core import later_verdicts
from mockserver.core.ratelimit import Verdict

ALLOWED = Verdict(True, 5, 0)
REFUSED = Verdict(False, 0, 7)


class Refused(Exception):
    pass


def _refusal(verdict: Verdict) -> Exception:
    return Refused(verdict.retry_after)


def _asked(verdict: Verdict, asked: list[Verdict]):
    def answer() -> Verdict:
        asked.append(verdict)
        return verdict

    return answer


@pytest.fixture
def app() -> Flask:
    return Flask(__name__)


def test_a_known_refusal_is_raised_at_once_and_a_known_allowance_waits_for_nothing(app) -> None:
    with app.test_request_context("/", method="POST"):
        assert not later_verdicts.may_wait()
        later_verdicts.judge(ALLOWED, _refusal)
        with pytest.raises(Refused):
            later_verdicts.judge(REFUSED, _refusal)
        assert "later_verdicts" not in g


def test_a_waiting_refusal_is_raised_when_settled_after_every_hit_was_asked(app) -> None:
    asked: list[Verdict] = []
    with app.test_request_context("/", method="GET"):
        assert later_verdicts.may_wait()
        later_verdicts.judge(_asked(REFUSED, asked), _refusal)
        later_verdicts.judge(_asked(ALLOWED, asked), _refusal)
        assert asked == []  # nothing asked while the view runs
        with pytest.raises(Refused) as raised:
            later_verdicts.settle()
        assert raised.value.args == (7,)
        assert asked == [REFUSED, ALLOWED]
        with pytest.raises(Refused):  # the refusal stands for the rest of the request
            later_verdicts.settle()
        assert asked == [REFUSED, ALLOWED]  # but nothing is asked twice


def test_verdicts_no_view_settled_are_asked_for_at_the_end_of_the_request(app) -> None:
    asked: list[Verdict] = []
    with app.test_request_context("/", method="HEAD"):
        later_verdicts.judge(_asked(REFUSED, asked), _refusal)
        later_verdicts.forget()  # the answer is made: the hit counts, nothing is raised
        assert asked == [REFUSED]
        later_verdicts.forget()
        assert asked == [REFUSED]


def test_a_hit_that_cannot_be_counted_at_the_end_is_one_warning(app, caplog) -> None:
    def broken() -> Verdict:
        raise OSError("store gone")

    with app.test_request_context("/x", method="GET"):
        later_verdicts.judge(broken, _refusal)
        later_verdicts.forget()
    assert [record.getMessage() for record in caplog.records] == [
        "a quota hit of GET /x was not counted: store gone"
    ]


def test_a_transaction_settles_first_and_a_refusal_caught_there_is_raised_again(app) -> None:
    asked: list[Verdict] = []
    with app.test_request_context("/", method="GET"):
        later_verdicts.before_writing()  # nothing waits: nothing to do
        later_verdicts.judge(_asked(REFUSED, asked), _refusal)
        with pytest.raises(Refused):
            later_verdicts.before_writing()  # as a store transaction begins
        assert asked == [REFUSED]
        with pytest.raises(Refused):  # the view caught it; its answer is still the refusal
            later_verdicts.settle()
        assert asked == [REFUSED]  # asked once: counted once
        later_verdicts.forget()
        later_verdicts.settle()  # the request is over: nothing is kept


def test_outside_a_request_a_transaction_waits_for_nothing() -> None:
    later_verdicts.before_writing()  # a background thread's write: no request, no verdict
