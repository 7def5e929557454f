"""Where a credential's public pages and images live: on the mock, never on accredible.com.

The real API points `url` at credential.net and the image fields at api.accredible.com's
`/v1/frontend/...` paths; the mock keeps the same paths under its own base URL so that a client
following them reaches the sandbox (a stand-in page and SVG images), not production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Links:
    base: str  # the provider's base URL as the client sees it

    def credential_page(self, encoded_id: str, key: str | None = None) -> str:
        page = f"{self.base}/credential.net/{encoded_id}"
        return f"{page}?key={key}" if key else page

    def seo_image(self, credential_uuid: str) -> str:
        return f"{self.base}/v1/frontend/credential_seo_image/{credential_uuid}"

    def certificate_image(self, credential_uuid: str) -> str:
        return (
            f"{self.base}/v1/frontend/credential_website_embed_image/certificate/{credential_uuid}"
        )

    def badge_image(self, credential_uuid: str) -> str:
        return f"{self.base}/v1/frontend/credential_badge_image/{credential_uuid}"

    def design_image(self, design_id: int) -> str:
        """A design's rendered image (`rasterized_content_url`)."""
        return f"{self.base}/v1/frontend/design_preview/{design_id}"

    def credential_assertion(self, credential_uuid: str) -> str:
        """The Open Badges assertion id blockchain data names (an identifier, not served)."""
        return f"{self.base}/v1/obi/badge_assertions/{credential_uuid}"

    def issuer_badge_class(self, issuer_id: Any) -> str:
        """The issuer id blockchain data names (an identifier, not served)."""
        return f"{self.base}/v1/obi/issuer_badge_classes/{issuer_id}"

    def design_preview(self, design_id: int, data: str) -> str:
        return f"{self.base}/v1/frontend/design_preview/{design_id}?data={data}"
