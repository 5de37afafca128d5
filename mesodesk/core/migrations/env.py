"""Alembic environment: always run on a connection handed over by mesodesk."""

from alembic import context

from mesodesk.core.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("mesodesk migrations run through mesodesk.core.db.migrate only")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
