"""Springest on the dashboard: each partner's certifications with verify / unverify (the
gating every certificate post goes through), and the posting limits."""

from __future__ import annotations

from mockserver.core.panels import Action, Field, Panel, Row
from mockserver.providers.springest.models import SpringestModel

CONTROL = "/_mock/springest"


def panels(model: SpringestModel) -> list[Panel]:
    rows = []
    for partner in model.accounts.partners.values():
        for certification in model.certificates.certifications(partner.tenant):
            verified = bool(certification.get("verified"))
            change = "unverify" if verified else "verify"
            rows.append(
                Row(
                    label=f"{partner.tenant} · certification {certification['id']}",
                    detail=f"{certification.get('name')}: "
                    + ("verified" if verified else "not verified"),
                    actions=(
                        Action(
                            change,
                            f"{CONTROL}/certifications/{certification['id']}/{change}",
                            {"tenant": partner.tenant},
                        ),
                    ),
                )
            )
    posts = model.post_limiter.quota
    limits = Row(
        label="certificate posts",
        detail=f"at most {posts.limit} per {posts.window_seconds:g} s",
        actions=(
            Action(
                "set limit",
                f"{CONTROL}/limits",
                {"scope": "certificate_posts"},
                (Field("limit", "posts", str(posts.limit)),),
            ),
        ),
    )
    return [Panel("Certifications", rows), Panel("Limits", [limits])]
