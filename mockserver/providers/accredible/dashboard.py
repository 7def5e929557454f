"""Accredible on the dashboard: each account's credit balance (what makes a bulk create answer
207), the rate limit, and data exports waiting to finish."""

from __future__ import annotations

from mockserver.core.panels import Action, Field, Panel, Row
from mockserver.providers.accredible.models import AccredibleModel

CONTROL = "/_mock/accredible"


def panels(model: AccredibleModel) -> list[Panel]:
    accounts = []
    pending_exports = 0
    for account in model.accounts.by_tenant.values():
        balance = model.credits.balance(account)
        accounts.append(
            Row(
                label=account.tenant,
                detail=f"{balance} credits",
                actions=(
                    Action(
                        "set credits",
                        f"{CONTROL}/credits",
                        {"tenant": account.tenant},
                        (Field("balance", "credits", str(balance)),),
                    ),
                ),
            )
        )
        pending_exports += model.exports.pending(account.tenant)
    quota = model.limiter.quota
    others = [
        Row(
            label="rate limit",
            detail=f"{quota.limit} requests per {quota.window_seconds:g} s",
            actions=(
                Action(
                    "set limit",
                    f"{CONTROL}/rate_limit",
                    {"scope": "all"},
                    (Field("limit", "requests", str(quota.limit)),),
                ),
            ),
        ),
        Row(
            label="data exports",
            detail=f"{pending_exports} waiting",
            actions=(Action("finish now", f"{CONTROL}/exports/complete"),),
        ),
    ]
    return [Panel("Credits", accounts), Panel("Limits and exports", others)]
