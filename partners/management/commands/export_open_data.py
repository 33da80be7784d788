"""Daily (cron): write the open-data files that /donnees/ serves (README, "Open data")."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from enlieusur import progress
from partners.public import opendata
from partners.public.search import DetailUrls


class Command(BaseCommand):
    help = (
        "Write the approved partners' public fields as lieux-surs.csv and lieux-surs.geojson "
        "(and their .gz) to OPEN_DATA_DIR, replacing the previous files once complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, help="where to write the files (default: OPEN_DATA_DIR)"
        )
        parser.add_argument(
            "--schema",
            action="store_true",
            help="print the Table Schema (opendata/schema.json) and write no file",
        )

    def handle(self, *args, directory=None, schema=False, **options):
        if schema:
            self.stdout.write(json.dumps(opendata.table_schema(), ensure_ascii=False, indent=2))
            return
        directory = directory or settings.OPEN_DATA_DIR
        data = opendata.records(timezone.now(), DetailUrls())
        count = opendata.write_files(
            directory,
            progress.each(data, "Open data", total=opendata.public_count(), unit="partners"),
        )
        self.stdout.write(f"{count} partner(s) written to {directory}.")
