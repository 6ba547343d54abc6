"""Alembic migrations of the workspace database."""
