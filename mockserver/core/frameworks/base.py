"""What a framework does to a request path before its router matches it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REPEATED_SLASHES = re.compile(r"/{2,}")


@dataclass(frozen=True)
class Framework:
    """The path rules of one web framework as a provider deploys it.

    `squeezes_slashes`: `//` reads as `/` (Rails' router normalizes the path that way).
    `format_suffixes`: suffixes the router takes off the last segment as the response format
    (Rails' `(.:format)`); only for providers whose documented paths carry no suffix of their
    own, since a provider that documents `.xml` and `.json` paths routes them itself.
    """

    name: str
    squeezes_slashes: bool = False
    format_suffixes: tuple[str, ...] = ()

    def normalize_path(self, path: str) -> str:
        """The path as the framework's router sees it; `path` is below the provider's prefix."""
        if self.squeezes_slashes:
            path = _REPEATED_SLASHES.sub("/", path)
        if len(path) > 1:
            path = path.rstrip("/") or "/"  # both frameworks ignore a trailing slash
        for suffix in self.format_suffixes:
            last = path.rsplit("/", 1)[-1]
            if last.endswith(suffix) and len(last) > len(suffix):
                return path[: -len(suffix)]
        return path


PLAIN = Framework("plain")
