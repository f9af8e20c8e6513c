"""The audit store: people, accounts, posts, classifications, audits and reviewer decisions (SQLAlchemy 2).

SQLite by default (``DIR/auditor.db``), PostgreSQL by URL. Alembic migrations ship in this package and run
when a store is opened; a store written by a newer auditor is refused.
"""

from auditor.store.db import STORE_FILE, Store, check_quarter, quarter_of, store_url
from auditor.store.history import PersonHistory, PersonRecord, default_quarter

__all__ = [
    "STORE_FILE",
    "PersonHistory",
    "PersonRecord",
    "Store",
    "check_quarter",
    "default_quarter",
    "quarter_of",
    "store_url",
]
