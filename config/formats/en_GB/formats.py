"""Dates and times as the shop writes them everywhere, admin included: one 24-hour clock
("5 Dec 2026, 22:18"), where Django's en-gb formats mix it with "10:17 p.m."."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
