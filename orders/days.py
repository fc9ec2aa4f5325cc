"""The shop day: where a date in shop time (TIME_ZONE) starts and ends.

Every page, API filter, report and job that speaks of "a day" asks this one function, so a
slot at 00:30 or a payment at 23:59 lands on the same day everywhere.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def shop_day(day: date) -> tuple[datetime, datetime]:
    """The aware start of `day` in shop time and the start of the next day (half-open).

    Filtering a datetime column on this range (not a __date lookup) lets an index serve it.
    Raises OverflowError for the first and last representable days.
    """
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
