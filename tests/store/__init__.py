"""Tests of the version store, against SQLite and PostgreSQL/PostGIS."""
