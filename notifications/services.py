"""Every write of notifications: what each event says to whom, email deliveries, reminders,
the daily report, preferences and reading.

The outbox: a notification and its deliveries are written in the transaction of the change
that caused them (receivers of orders' in-transaction signals), and the email task is queued
after commit. A delivery is claimed with a conditional update before it is sent, so a task
that runs twice sends once; queue_due sends whatever a broker or worker left behind.
"""

import io
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from config import metrics
from config.celery import task_queue
from config.csv import csv_writer
from config.languages import (
    in_language_of,
    in_language_of_customer,
    language_current,
    language_supported,
)
from notifications.errors import UnknownKind
from notifications.models import Delivery, Kind, LowStockAlert, Notification, Preference
from notifications.selectors import notification_get
from orders import permissions
from orders.days import shop_day
from orders.guests import guest_link_path
from orders.models import Order, OrderLine, Product
from orders.money import date_text, money_text
from orders.policy import Actor, order_customer_is
from orders.pricing import tax_label, tax_name
from orders.selectors.invoices import invoice_of_order_number
from orders.selectors.staff import orders_sold
from orders.services.invoices import invoice_pdf
from orders.states import LIVE

logger = logging.getLogger(__name__)

# Staff hear of new paid orders in the shop only; every other kind is emailed too.
IN_APP_ONLY = {Kind.NEW_PAID_ORDER}
CUSTOMER_KINDS = [
    Kind.ORDER_PLACED,
    Kind.PAYMENT_RECEIVED,
    Kind.ORDER_READY,
    Kind.OUT_FOR_DELIVERY,
    Kind.ORDER_CANCELLED,
    Kind.ORDER_EXPIRED,
    Kind.ORDER_REFUNDED,
    Kind.SLOT_REMINDER,
]
MANAGER_KINDS = [Kind.LOW_STOCK, Kind.DAILY_REPORT, Kind.PAYMENT_PROBLEM]
REMINDER_AHEAD = timedelta(hours=1)
DELIVERY_FIRST_RETRY = timedelta(minutes=1)
DELIVERY_MAX_ATTEMPTS = 8
DELIVERY_STUCK_AFTER = timedelta(minutes=10)
SEND_TASK = "notifications.tasks.send_delivery"
PLACED_KEY = "order_placed:"
PAID_KEY = "payment_received:"
# The emails that list the order's lines; the key prefix of their notification names the order.
LINES_KEYS = {Kind.ORDER_PLACED: PLACED_KEY, Kind.PAYMENT_RECEIVED: PAID_KEY}
STUCK_ERROR = f"the attempt did not finish within {DELIVERY_STUCK_AFTER}"


# --- Writing notifications ------------------------------------------------------------


def notify(
    *,
    recipient: User | None,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    dedupe_key: str = "",
    email: str = "",
) -> Notification | None:
    """Write a notification and, when the recipient wants its email, a delivery queued
    after commit. With a dedupe_key, a second call for the same recipient writes nothing
    and returns None (the database decides, so two workers cannot both write it).

    A guest (no account: `recipient` None) has no inbox or preferences: the notification
    is the record of the email, which always goes to `email`."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return None
    metrics.notification_counted(channel="inbox", result="written")
    to = email if recipient is None else recipient.email
    if (recipient is None and kind not in IN_APP_ONLY) or (
        recipient is not None and _wants_email(user=recipient, kind=kind)
    ):
        delivery = Delivery.objects.create(notification=notification, to=to)
        # robust: a broker that is down must not undo the change; the sweep sends it later.
        transaction.on_commit(lambda: task_queue(SEND_TASK, delivery.pk), robust=True)
    return notification


def _wants_email(*, user: User, kind: str) -> bool:
    if kind in IN_APP_ONLY or not user.email or not user.is_active:
        return False
    return not Preference.objects.filter(user=user, kind=kind, email=False).exists()


def users_with_permission(perm: str) -> QuerySet[User]:
    """Active users holding `perm` through a group, directly, or as superusers."""
    app_label, codename = perm.split(".")
    granted = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return User.objects.filter(granted | Q(is_superuser=True), is_active=True).distinct()


def _slot_text(order: Order) -> str:
    """ "delivery on Saturday 5 December, 10:00-11:00", in the active language."""
    start = timezone.localtime(order.slot.starts_at)
    end = timezone.localtime(order.slot.ends_at)
    when = date_format(start, _("l j F, H:i")) + f"-{end:%H:%M}"
    if order.kind == Order.Kind.DELIVERY:
        return _("delivery on %(when)s") % {"when": when}
    return _("pickup on %(when)s") % {"when": when}


def _total_text(order: Order) -> str:
    """The total with the tax in it named: "£16.15 incl. £1.94 VAT" (in both pricing modes the
    total is what the customer pays, tax included), and the coupon's discount when there is
    one: "(£1.80 off with coupon WELCOME10)"."""
    text = _("%(total)s incl. %(tax)s %(tax_name)s") % {
        "total": money_text(order.total),
        "tax": money_text(order.tax),
        "tax_name": tax_name(),
    }
    if order.discount:
        text += " " + _("(%(discount)s off with coupon %(code)s)") % {
            "discount": money_text(order.discount),
            "code": order.coupon_code,
        }
    return text


def _customer_notify(*, order: Order, **message) -> Notification | None:
    """Tell the order's customer: its account, or a guest by email with the signed link to
    their order (the only way they reach it)."""
    if order.user_id is None:
        return notify(
            recipient=None,
            email=order.guest_email,
            link=guest_link_path(number=order.number),
            **message,
        )
    return notify(recipient=order.user, link=order.get_absolute_url(), **message)


def order_change_notify(*, order: Order, from_status: str, to_status: str, by: Actor) -> None:
    """What the customer (and staff, and managers) hear when an order changes, each in their
    own language (whoever or whatever made the change)."""
    with in_language_of_customer(order):
        _order_change_tell_customer(
            order=order, from_status=from_status, to_status=to_status, by=by
        )
    if to_status == Order.Status.PAID:
        for member in users_with_permission(permissions.FULFIL):
            with in_language_of(member):
                notify(
                    recipient=member,
                    kind=Kind.NEW_PAID_ORDER,
                    title=_("New paid order %(number)s") % {"number": order.number},
                    body=f"{_total_text(order)}, {_slot_text(order)}.",
                    link=f"/admin/orders/order/{order.pk}/change/",
                )
    if not from_status:
        _low_stock_check(order=order)
    if to_status in {Order.Status.CANCELLED, Order.Status.EXPIRED}:
        _low_stock_clear(order=order)


def _order_change_tell_customer(
    *, order: Order, from_status: str, to_status: str, by: Actor
) -> None:
    number = order.number
    values = {"number": number}
    Status = Order.Status

    def tell(kind, title, body, dedupe_key=""):
        _customer_notify(order=order, kind=kind, title=title, body=body, dedupe_key=dedupe_key)

    if not from_status:
        minutes = int(settings.ORDER_PAYMENT_TIMEOUT.total_seconds() // 60)
        tell(
            Kind.ORDER_PLACED,
            _("Order %(number)s is placed") % values,
            _(
                "Thank you for your order of %(total)s for %(slot)s. "
                "Please pay within %(minutes)s minutes, or the order is released."
            )
            % {"total": _total_text(order), "slot": _slot_text(order), "minutes": minutes},
            # The email's worker finds the order's lines by this key, to list them.
            dedupe_key=f"{PLACED_KEY}{number}",
        )
    elif to_status == Status.PAID:
        tell(
            Kind.PAYMENT_RECEIVED,
            _("Payment received for order %(number)s") % values,
            _("We received your payment of %(total)s. We will have your order ready for %(slot)s.")
            % {"total": _total_text(order), "slot": _slot_text(order)},
            # The email's worker finds the order's lines and invoice by this key.
            dedupe_key=f"{PAID_KEY}{number}",
        )
    elif to_status == Status.READY:
        tell(
            Kind.ORDER_READY,
            _("Order %(number)s is ready for pickup") % values,
            _("Your order is ready. Collect it in your slot: %(slot)s.")
            % {"slot": _slot_text(order)},
        )
    elif to_status == Status.OUT_FOR_DELIVERY:
        tell(
            Kind.OUT_FOR_DELIVERY,
            _("Order %(number)s is on its way") % values,
            _("Your order is out for delivery, for %(slot)s.") % {"slot": _slot_text(order)},
        )
    elif to_status == Status.CANCELLED:
        if order_customer_is(order=order, by=by):
            who = _("You cancelled order %(number)s.") % values
        else:
            who = _("The shop cancelled order %(number)s.") % values
        money_note = (
            _("Your payment of %(amount)s will be refunded in full to the card you paid with.")
            % {"amount": money_text(order.total)}
            if order.paid_at and order.total > 0
            else _("You were not charged.")
        )
        tell(
            Kind.ORDER_CANCELLED,
            _("Order %(number)s is cancelled") % values,
            f"{who} {money_note}",
        )
    elif to_status == Status.EXPIRED:
        tell(
            Kind.ORDER_EXPIRED,
            _("Order %(number)s has expired") % values,
            _(
                "Order %(number)s was not paid in time, so its items went back on the shelf. "
                "You were not charged."
            )
            % values,
        )


def order_refunded_notify(*, order: Order, amount: Decimal, lines=()) -> None:
    """The customer hears of each refund made: its amount, of what, and of how much paid."""
    with in_language_of_customer(order):
        what = ", ".join(f"{item['quantity']} x {item['name']}" for item in lines)
        part = " " + _("for %(what)s") % {"what": what} if what else ""
        if amount < order.total:
            part += " " + _("(part of the %(total)s you paid)") % {"total": money_text(order.total)}
        _customer_notify(
            order=order,
            kind=Kind.ORDER_REFUNDED,
            title=_("Refund for order %(number)s") % {"number": order.number},
            body=_(
                "We refunded %(amount)s%(part)s to the card you paid with. It can take a few "
                "days to show on your statement."
            )
            % {"amount": money_text(amount), "part": part},
        )


def managers_tell_payment_problem(*, order: Order, problem: str) -> None:
    """Money a person must look at (a payment of the wrong amount, a refund given up)."""
    for manager in users_with_permission(permissions.REFUND):
        notify(
            recipient=manager,
            kind=Kind.PAYMENT_PROBLEM,
            title=_("Payment problem on order %(number)s") % {"number": order.number},
            body=problem,
            link=f"/admin/orders/order/{order.pk}/change/",
        )


def _order_product_ids(order: Order) -> QuerySet:
    """The order's products, as a subquery of the query that uses them."""
    return OrderLine.objects.filter(order=order, product__isnull=False).values("product_id")


def _low_stock_check(*, order: Order) -> None:
    """Managers hear once when a product the order took crosses its low-stock threshold."""
    low = Product.objects.filter(
        pk__in=_order_product_ids(order), stock__lte=F("low_stock_threshold")
    ).exclude(pk__in=LowStockAlert.objects.values("product_id"))
    for product in low:
        try:
            with transaction.atomic():
                LowStockAlert.objects.create(product=product)
        except IntegrityError:
            continue  # another checkout reported it a moment ago
        for manager in users_with_permission(permissions.EDIT_CATALOGUE):
            with in_language_of(manager):
                notify(
                    recipient=manager,
                    kind=Kind.LOW_STOCK,
                    title=_("Low stock: %(name)s") % {"name": product.name},
                    body=_("Only %(stock)s of %(name)s (SKU %(sku)s) left.")
                    % {"stock": product.stock, "name": product.name, "sku": product.sku},
                    link=f"/admin/orders/product/{product.pk}/change/",
                )


def _low_stock_clear(*, order: Order) -> None:
    low_stock_rearm(product_ids=_order_product_ids(order))


def low_stock_rearm(*, product_ids) -> None:
    """Stock that came back above the threshold (an order given back, a restock) may be
    reported again when it next falls."""
    LowStockAlert.objects.filter(
        product__in=Product.objects.filter(pk__in=product_ids, stock__gt=F("low_stock_threshold"))
    ).delete()


# --- Scheduled notifications ---------------------------------------------------------------


def slot_reminders_send(*, now: datetime | None = None) -> int:
    """Remind customers whose paid order's slot starts within the hour; once per order,
    however many workers run this at once. Returns how many reminders were written."""
    now = now or timezone.now()
    due = Order.objects.filter(
        status__in=LIVE, slot__starts_at__gt=now, slot__starts_at__lte=now + REMINDER_AHEAD
    ).select_related("slot", "user")
    written = 0
    for order in due:
        with transaction.atomic(), in_language_of_customer(order):
            if order.kind == Order.Kind.DELIVERY:
                title = _("Your delivery slot starts soon")
            else:
                title = _("Your pickup slot starts soon")
            written += (
                _customer_notify(
                    order=order,
                    kind=Kind.SLOT_REMINDER,
                    title=title,
                    body=_("Order %(number)s: %(slot)s.")
                    % {"number": order.number, "slot": _slot_text(order)},
                    dedupe_key=f"slot_reminder:{order.pk}",
                )
                is not None
            )
    return written


REPORT_COLUMNS = [
    "number",
    "paid_at",
    "status",
    "kind",
    "subtotal",
    "tax",
    "delivery_fee",
    "discount",
    "total",
    "refunded",
    "currency",
    "prices",
]


def daily_report_csv(*, day: date) -> tuple[str, int, Decimal]:
    """The CSV of the sales paid on `day` (shop time; orders.states.SOLD, so an order
    cancelled or refunded in full since is left out, as on the dashboard), a total row last;
    and the count and the sales figure: their totals less what was refunded of them."""
    start, end = shop_day(day)
    orders = orders_sold(start=start, end=end).order_by("paid_at", "pk")
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(REPORT_COLUMNS)
    count, total, refunded = 0, Decimal("0.00"), Decimal("0.00")
    for order in orders:
        writer.writerow(
            [
                order.number,
                timezone.localtime(order.paid_at).isoformat(timespec="seconds"),
                order.status,
                order.kind,
                order.subtotal,
                order.tax,
                order.delivery_fee,
                order.discount,
                order.total,
                order.refunded,
                order.currency,
                tax_label(prices_include_tax=order.prices_include_tax, name=settings.TAX_LABEL),
            ]
        )
        count += 1
        total += order.total
        refunded += order.refunded
    blanks = [""] * 5
    writer.writerow(
        ["TOTAL", "", f"{count} orders", *blanks, total, refunded, settings.SHOP_CURRENCY, ""]
    )
    return out.getvalue(), count, total - refunded


def daily_report_send(*, day: date | None = None) -> int:
    """Send managers the sales report of `day` (by default yesterday, shop time), once."""
    day = day or timezone.localdate() - timedelta(days=1)
    _csv, count, total = daily_report_csv(day=day)
    sent = 0
    for manager in users_with_permission(permissions.DASHBOARD):
        with transaction.atomic(), in_language_of(manager):
            sent += (
                notify(
                    recipient=manager,
                    kind=Kind.DAILY_REPORT,
                    title=_("Sales on %(day)s") % {"day": date_text(day, "full")},
                    body=ngettext(
                        "%(count)s paid order, %(total)s in all, %(tax_name)s included. "
                        "The orders are attached as CSV.",
                        "%(count)s paid orders, %(total)s in all, %(tax_name)s included. "
                        "The orders are attached as CSV.",
                        count,
                    )
                    % {"count": count, "total": money_text(total), "tax_name": tax_name()},
                    link="/admin/orders/order/",
                    dedupe_key=f"daily_report:{day.isoformat()}",
                )
                is not None
            )
    return sent


# --- Email deliveries ----------------------------------------------------------------------


def _email(delivery: Delivery) -> EmailMultiAlternatives:
    """The email of a delivery, in its recipient's language (not the worker's)."""
    recipient = delivery.notification.recipient
    if recipient is None:
        with translation.override(_guest_language(email=delivery.to)):
            return _email_in_language(delivery)
    with in_language_of(recipient):
        return _email_in_language(delivery)


def _guest_language(*, email: str) -> str:
    """A guest has no profile: their emails are in the language of their latest order."""
    language = (
        Order.objects.filter(guest_email=email)
        .order_by("-placed_at")
        .values_list("guest_language", flat=True)
        .first()
    )
    return language_supported(language) or language_current()


def _email_lines(notification: Notification) -> list[OrderLine]:
    """The order's lines (with their options and messages) that the order-placed and
    payment-received emails list, read when the email is written."""
    key = LINES_KEYS.get(notification.kind)
    if not key or not notification.dedupe_key.startswith(key):
        return []
    return list(OrderLine.objects.filter(order__number=notification.dedupe_key.removeprefix(key)))


def _email_in_language(delivery: Delivery) -> EmailMultiAlternatives:
    notification = delivery.notification
    context = {
        "shop_name": settings.SHOP_NAME,
        "notification": notification,
        "lines": _email_lines(notification),
        "url": f"{settings.SITE_URL}{notification.link}"
        if notification.link
        else settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}/notifications/preferences/",
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SHOP_NAME}] {notification.title}",
        body=render_to_string("notifications/email.txt", context),
        to=[delivery.to],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    if notification.kind == Kind.DAILY_REPORT:
        day = date.fromisoformat(notification.dedupe_key.split(":", 1)[1])
        content, _count, _total = daily_report_csv(day=day)
        message.attach(f"sales-{day.isoformat()}.csv", content, "text/csv")
    if notification.kind == Kind.PAYMENT_RECEIVED and notification.dedupe_key:
        # Rendered from the stored invoice each time, so a retried email carries the same one.
        invoice = invoice_of_order_number(number=notification.dedupe_key.removeprefix(PAID_KEY))
        if invoice is not None:
            message.attach(f"{invoice.number}.pdf", invoice_pdf(invoice=invoice), "application/pdf")
    return message


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one delivery if it is still to send; True when this call sent it.

    The claim (pending or due-for-retry -> sending) is one conditional UPDATE: of two
    workers holding the same task, one claims it and the other does nothing.
    """
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=Delivery.Status.PENDING)
            | Q(status=Delivery.Status.FAILED, next_attempt_at__lte=now)
        )
        .update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    try:
        _email(delivery).send()
    except Exception as error:  # noqa: BLE001 - any failure is an attempt (a refused header...)
        delivery_fail(delivery=delivery, error=str(error) or repr(error), now=now)
        return False
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "sent_at", "last_error"])
    metrics.notification_counted(channel="email", result="sent")
    return True


def delivery_fail(*, delivery: Delivery, error: str, now: datetime) -> None:
    """Record a failed attempt of a claimed delivery: retried after a doubling wait, or
    given up after DELIVERY_MAX_ATTEMPTS (logged at ERROR: a person must look)."""
    delivery.last_error = error[:2000]
    if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.GAVE_UP
        delivery.next_attempt_at = None
        logger.error(
            "Delivery %s gave up after %s attempts: %s", delivery.pk, delivery.attempts, error
        )
    else:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = now + DELIVERY_FIRST_RETRY * 2 ** (delivery.attempts - 1)
        logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
    metrics.notification_counted(channel="email", result=delivery.status)


def deliveries_queue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: queue every delivery still to send (new ones a broker or worker lost,
    failed ones whose wait is over, and ones stuck "sending" past DELIVERY_STUCK_AFTER).
    Returns how many were queued."""
    now = now or timezone.now()
    # A stuck attempt failed without a word (its worker was killed): it counted when it was
    # claimed, and is sent again now unless it was the last.
    stuck = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - DELIVERY_STUCK_AFTER
    )
    gave_up = list(stuck.filter(attempts__gte=DELIVERY_MAX_ATTEMPTS).values_list("pk", flat=True))
    if gave_up:
        stuck.filter(pk__in=gave_up).update(
            status=Delivery.Status.GAVE_UP, next_attempt_at=None, last_error=STUCK_ERROR
        )
        logger.error("Deliveries %s gave up: %s", gave_up, STUCK_ERROR)
    stuck.update(status=Delivery.Status.PENDING, last_error=STUCK_ERROR)
    due = list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING)
            | Q(status=Delivery.Status.FAILED, next_attempt_at__lte=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        task_queue(SEND_TASK, pk)
    return len(due)


# --- Reading and preferences ------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; someone else's is NotificationNotFound."""
    notification = notification_get(user=user, notification_id=notification_id)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_kinds(*, user: User) -> list[str]:
    """The kinds of email this user can receive, and so choose about."""
    kinds = list(CUSTOMER_KINDS)
    if user.has_perm(permissions.EDIT_CATALOGUE):
        kinds.append(Kind.LOW_STOCK)
    if user.has_perm(permissions.DASHBOARD):
        kinds.append(Kind.DAILY_REPORT)
    if user.has_perm(permissions.REFUND):
        kinds.append(Kind.PAYMENT_PROBLEM)
    return kinds


def preferences_get(*, user: User) -> dict[str, bool]:
    """Each kind of email the user can receive, and whether they want it."""
    off = set(Preference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return {kind.value: kind not in off for kind in preference_kinds(user=user)}


@transaction.atomic
def preferences_set(*, user: User, email: dict[str, bool]) -> None:
    """Turn each kind's email on or off; a kind the user cannot receive is refused."""
    allowed = set(preference_kinds(user=user))
    for kind, wanted in email.items():
        if kind not in allowed:
            raise UnknownKind(f"{kind!r} is not a kind of email you can receive.")
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"email": wanted})


def user_notifications_export(*, user: User) -> list[dict]:
    return [
        {
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "link": n.link,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]


def user_notifications_erase(*, user: User) -> None:
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()
