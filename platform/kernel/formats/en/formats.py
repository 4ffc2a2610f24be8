"""English date and time formats; the Danish ones (../da/formats.py) say what each is for."""

DATE_FORMAT = "j F Y"  # 6 January 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

MONTH_FORMAT = "M"  # Jan
DAY_FORMAT = "D j M"  # Tue 6 Jan
DAY_TIME_FORMAT = "D j M H:i"  # Tue 6 Jan 10:00
DATE_TIME_FORMAT = "j M H:i"  # 6 Jan 10:00
ABBR_DATE_FORMAT = "j M Y"  # 6 Jan 2026
MONTH_DAY_TIME_FORMAT = "j F H:i"  # 6 January 10:00
LONG_DAY_TIME_FORMAT = "l j F H:i"  # Tuesday 6 January 10:00
LONG_DATETIME_FORMAT = "l j F Y H:i"  # Tuesday 6 January 2026 10:00
LONG_DAY_FORMAT = "l j F"  # Tuesday 6 January
LONG_DATE_FORMAT = "l j F Y"  # Tuesday 6 January 2026
