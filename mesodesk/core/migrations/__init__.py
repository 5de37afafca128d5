"""Alembic migrations of the mesodesk schema, applied when a database is opened."""
