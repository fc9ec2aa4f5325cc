from django.core.management.base import BaseCommand

from orders.services.transitions import orders_expire_unpaid


class Command(BaseCommand):
    help = "Expire orders left unpaid for longer than ORDER_PAYMENT_TIMEOUT, giving stock back."

    def handle(self, *args, **options):
        count = orders_expire_unpaid()
        self.stdout.write(f"Expired {count} unpaid order{'s' if count != 1 else ''}.")
