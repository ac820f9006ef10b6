"""The store server: one PostgreSQL that every register of a store (and every store of a
merchant) ships its journal's events to, and takes staff, the catalog and store-wide settings
from. Each register's SQLite journal stays the truth of its own payments; a sale never waits
for this server."""
