"""What a server on SQLite loads to start: not the PostgreSQL driver (about 9 MB of memory and
part of the second a cold start has; a shared store loads it when it connects), nor
SQLAlchemy's PostgreSQL dialect (every PostgreSQL driver's module and asyncio: 50 ms)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from mockserver.app import create_app
from mockserver.settings import Settings
app = create_app(Settings(host="127.0.0.1", port=0, quiet=True))
app.test_client().get("/_mock/health")
print(sorted(name for name in sys.modules if name.split(".")[0] == "psycopg"))
print(sorted(name for name in sys.modules if name.startswith("sqlalchemy.dialects.postgresql")))
app.extensions["mockserver"].close()
"""


def test_a_server_on_sqlite_loads_neither_the_postgresql_driver_nor_its_dialect() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2:] == ["[]", "[]"]
