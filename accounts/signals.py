"""Signals other apps answer so that accounts never has to know their models.

- user_data_export: sent by the personal-data export. Each receiver returns a
  dict of JSON-ready sections (e.g. {"orders": [...]}) merged into the export.
- user_deletion_asked: sent before an account is deleted. Each receiver returns why the
  account cannot go yet ("" when it can), e.g. the orders still in progress.
- user_erasing: sent inside the account-deletion transaction, before the user
  row is anonymised. Each receiver erases or anonymises the personal data its
  app holds about `user` (orders keep their rows for the books).
"""

from django.dispatch import Signal

user_data_export = Signal()  # kwargs: user
user_erasing = Signal()  # kwargs: user
user_deletion_asked = Signal()  # kwargs: user
