"""Alembic migrations of the store, run by :func:`geo.io.store.open_store`."""
