"""Import candidates from a file of the state's open data (README, "Candidates from open
data"): ``--source annuaire`` or ``--source bpe``, then the file staff downloaded."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partners.models import CandidateSource
from partners.services.candidates import FormatError, import_file


class Command(BaseCommand):
    help = (
        "Import candidates (never public) from the Annuaire de l'administration's JSON "
        "(--source annuaire) or INSEE's Base permanente des équipements' CSV (--source bpe). "
        "A second import of the same file changes nothing; every skipped row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=CandidateSource.values)
        parser.add_argument("file", type=Path)

    def handle(self, *args, source, file, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            report = import_file(source=source, path=file)
        except FormatError as error:
            raise CommandError(f"{file} is not the {source} format: {error}.") from error
        for skipped in report.skipped:
            self.stdout.write(f"skipped {skipped.where}: {skipped.reason}")
        for name, count in sorted(report.other_types.items()):
            self.stdout.write(f"not a candidate: {count} row(s) of type {name}")
        self.stdout.write(
            f"{report.read} row(s) read: {report.created} candidate(s) added, "
            f"{report.updated} updated, {len(report.skipped)} skipped, "
            f"{sum(report.other_types.values())} of other types."
        )
