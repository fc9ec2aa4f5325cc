"""The one way Orderly writes CSV: every text cell a spreadsheet would run as a formula is
neutralised (OWASP's rule: a cell starting with =, +, -, @, a tab or a CR gets a leading ').

Staff open exports, reports, the prep list and the accountant's CSV in Excel or LibreOffice,
and a customer's name or a product's name reaches them as typed. Numbers (Decimal, int) stay
numbers: a negative amount is not text and is left alone.

    writer = csv_writer(out)            # any object with write(), like csv.writer's
    writer.writerow(["=1+1", Decimal("-2.00")])   # '=1+1,-2.00
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """`value` as it is safe to write in a CSV cell."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        """Write one row; returns what the file's write() returned (a streamed line)."""
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options) -> _SafeWriter:
    """csv.writer(file, **options), with every cell passed through csv_cell()."""
    return _SafeWriter(file, **options)
