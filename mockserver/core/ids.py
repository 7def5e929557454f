"""Generated ids and secrets, repeatable on request.

Normally random (uuid4, `secrets`). After `POST /_mock/seed` they come from a seeded generator,
so the same requests after the same seed give the same ids, secrets and (with the clock frozen
by the seed) the same timestamps: recorded answers can be compared byte for byte.
"""

from __future__ import annotations

import random
import secrets
import threading
import uuid


class Ids:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rng: random.Random | None = None
        self.seed_value: int | None = None
        # Request ids only need to be distinct, not unguessable: a generator seeded once is a
        # tenth of the cost of a getrandom() call per request.
        self._fast = random.Random(secrets.randbits(128))

    def seed(self, value: int | None) -> None:
        with self._lock:
            self.seed_value = value
            self._rng = None if value is None else random.Random(value)

    def _bytes(self, count: int) -> bytes:
        rng = self._rng  # read once: an unseed between a check and the use must not crash
        if rng is None:
            return secrets.token_bytes(count)
        with self._lock:
            return rng.getrandbits(count * 8).to_bytes(count, "big")

    def request_id(self) -> str:
        """32 hex digits naming one request; from the seeded generator after a seed."""
        if self._rng is not None:
            return self.hex()
        return f"{self._fast.getrandbits(128):032x}"

    def uuid(self) -> str:
        """A version-4 UUID as text."""
        return str(uuid.UUID(bytes=self._bytes(16), version=4))

    def hex(self, nbytes: int = 16) -> str:
        return self._bytes(nbytes).hex()


ids = Ids()
