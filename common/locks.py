"""A lock held until the end of the current transaction, by name: PostgreSQL's advisory locks.

For work that must run one at a time on every host (a refresh of stored statistics), where no
row exists yet to lock. SQLite (development) runs one writer at a time anyway.
"""

import zlib

from django.db import connection


def hold(name: str) -> None:
    """Wait for, then hold, the lock of this name until the transaction ends."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
