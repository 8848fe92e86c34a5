"""``manage.py tablecounts``: every table of the database with its number of
rows, one ``table count`` line each, in name order (compared before a
backup and after its restore)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Print the number of rows of every table, by table name."

    def handle(self, *args, **options):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in sorted(connection.introspection.table_names(cursor)):
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names from introspection
                self.stdout.write(f"{table} {cursor.fetchone()[0]}")
