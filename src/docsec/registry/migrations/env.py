"""Alembic environment: run the registry migrations on the connection given.

:meth:`docsec.registry.Registry.init` passes its connection in
``config.attributes["connection"]``; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context

from docsec.registry._models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table="docsec_alembic_version",
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
