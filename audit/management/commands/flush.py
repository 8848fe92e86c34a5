"""Django's ``flush``, allowed to empty the append-only audit log.

SQLite has no TRUNCATE: its flush is a DELETE, which the log's trigger
refuses unless this command is running (pytest-django's transactional tests
flush the database after each test). PostgreSQL flushes with TRUNCATE,
which the row trigger does not see.
"""

from django.core.management.commands.flush import Command as FlushCommand

from audit.context import flushing


class Command(FlushCommand):
    def handle(self, **options):
        with flushing():
            return super().handle(**options)
