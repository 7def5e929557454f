"""VEC on the dashboard: each institution's processing (how long certificates take, which fail
next, finish what is due now) and the batches waiting for their signatories' approval."""

from __future__ import annotations

from collections import Counter

from mockserver.core.panels import Action, Field, Panel, Row
from mockserver.providers.vec.batches import BATCH_KIND
from mockserver.providers.vec.models import VecModel
from mockserver.providers.vec.vault import VAULT_KIND

CONTROL = "/_mock/vec"


def panels(model: VecModel) -> list[Panel]:
    processing, approvals = [], []
    store = model.vault.store
    for institution in model.accounts.institutions.values():
        tenant = institution.tenant
        states = Counter(doc["status"] for doc in store.list(tenant, VAULT_KIND))
        counted = ", ".join(f"{n} {state}" for state, n in sorted(states.items())) or "none yet"
        processing.append(
            Row(
                label=tenant,
                detail=f"vault certificates: {counted}; each takes "
                f"{institution.processing_seconds:g} s; {institution.fail_next} fail next",
                actions=(
                    Action("process due now", f"{CONTROL}/process"),
                    Action(
                        "fail next",
                        f"{CONTROL}/processing",
                        {"tenant": tenant, "fail_next": institution.fail_next + 1},
                    ),
                    Action(
                        "set time",
                        f"{CONTROL}/processing",
                        {"tenant": tenant},
                        (
                            Field(
                                "processing_seconds",
                                "seconds (or 15m)",
                                f"{institution.processing_seconds:g}",
                            ),
                        ),
                    ),
                ),
            )
        )
        for batch in store.list(tenant, BATCH_KIND):
            if batch["status"] == "waiting_for_approval":
                approvals.append(
                    Row(
                        label=f"{tenant} · batch {batch['id']}",
                        detail=f"{batch['name']} ({batch['template_name']}): waiting for approval",
                        actions=(
                            Action(
                                "approve",
                                f"{CONTROL}/batches/{batch['id']}/approve",
                                {"tenant": tenant},
                            ),
                        ),
                    )
                )
    return [Panel("Processing", processing), Panel("Batches to approve", approvals)]
