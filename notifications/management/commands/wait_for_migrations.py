"""Wait until the database is reachable and every migration is applied.

The Procfile's worker and beat run it first: on a deploy (or `honcho start`) they start
beside `release`, which migrates, and beat would crash on tables that do not exist yet.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations() -> list[str]:
    """The migrations not applied yet, as "app.name"; raises DatabaseError when the database
    cannot be reached."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


class Command(BaseCommand):
    help = (
        "Wait until the database answers and has every migration applied (the release "
        "process applies them), then exit 0; exit 1 after --timeout seconds, so the "
        "platform restarts the process and it waits again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=300, help="Seconds to wait.")
        parser.add_argument("--interval", type=float, default=2, help="Seconds between looks.")

    def handle(self, *args, timeout: float, interval: float, **options):
        deadline = time.monotonic() + timeout
        said = ""
        while True:
            try:
                missing = unapplied_migrations()
            except DatabaseError as error:
                why = f"the database does not answer yet ({error.__class__.__name__})"
            else:
                if not missing:
                    return
                why = f"{len(missing)} migration(s) not applied yet, first {missing[0]}"
            if time.monotonic() >= deadline:
                raise CommandError(f"Gave up after {timeout:g} s: {why}.")
            if why != said:
                self.stderr.write(f"Waiting: {why}.")
                said = why
            time.sleep(interval)
