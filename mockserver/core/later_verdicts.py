"""Verdicts a safe request's answer waits for, while its view runs.

On a store shared on PostgreSQL a quota hit is a round trip of its own, and the read the
request answers from is another. A safe request (GET, HEAD) changes nothing a refusal would
have to undo, so its hit can go with its first record read, one round trip for both
(Store.count_hit_soon): the view runs before the verdict is known, and the verdict is applied
when the view returns or raises (`settle`, called by the app around every view). A refused
request answers only its refusal, as if the view had never run, and a refused hit counts as it
always did. Writes (POST, PUT, PATCH, DELETE) are judged before their view, as before.

A safe request may still write as a side effect (Accredible records a `recipient_view_certificate`
event when the credential's page is seen): every store transaction first settles the verdicts
that wait (`before_writing`, installed as Store.before_transaction), so a refused request writes
nothing. A refusal found there is kept, and raised again when the view is done, even if the view
caught it.

The verdicts wait in the request's context (`flask.g`), so nothing outlives the request:
`forget` answers any left over at its end (a view that never ran), so their hits are counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import g, has_request_context, request

from mockserver.core.ratelimit import Verdict

SAFE_METHODS = frozenset({"GET", "HEAD"})
_WAITING = "later_verdicts"
_REFUSED = "later_verdicts_refused"

Refusal = Callable[[Verdict], Exception]
log = logging.getLogger("mockserver")


def judge(verdict: Verdict | Callable[[], Verdict], refusal: Refusal) -> None:
    """Raise `refusal(verdict)` now if the verdict is known and refused; keep it for `settle`
    if it comes later (only a safe request's may: RateLimiter.hit_soon is asked for one only
    then, see `may_wait`)."""
    if isinstance(verdict, Verdict):
        if not verdict.allowed:
            raise refusal(verdict)
        return
    g.setdefault(_WAITING, []).append((verdict, refusal))


def may_wait() -> bool:
    """Whether this request's verdicts may come after its view ran."""
    return request.method in SAFE_METHODS


def settle() -> None:
    """Every waiting verdict asked for (each hit counted); the request's first refusal raised
    (again, if an earlier settle found it)."""
    for answer, refusal in g.pop(_WAITING, None) or ():
        verdict = answer()
        if not verdict.allowed and _REFUSED not in g:
            setattr(g, _REFUSED, refusal(verdict))
    refused = g.get(_REFUSED)
    if refused is not None:
        raise refused


def before_writing() -> None:
    """Settle a request's waiting verdicts before it opens a store transaction (its first
    write, or a read in a transaction): a refused request goes no further."""
    if has_request_context() and (_WAITING in g or _REFUSED in g):
        settle()


def forget() -> None:
    """At the end of a request: verdicts no view settled are asked for, so their hits count,
    and dropped."""
    g.pop(_REFUSED, None)
    waiting = g.pop(_WAITING, None)
    for answer, _refusal in waiting or ():
        try:
            answer()
        except Exception as error:  # noqa: BLE001 - the answer is made; say so and go on
            log.warning(
                "a quota hit of %s %s was not counted: %s", request.method, request.path, error
            )
