"""Danish date and time formats: the one place they are written (settings.FORMAT_MODULE_PATH).

Django's own Danish formats fill in what is not here. The extra names (DAY_TIME_FORMAT ...)
are read by kernel.dates, and through it by the template filters in kernel.templatetags.dates.
Months are abbreviated the Danish way, lower case with a full stop ("6. jan."; "N" gives
"jan.", "maj", "juni"), the same on every page.
"""

DATE_FORMAT = "j. F Y"  # 6. januar 2026
TIME_FORMAT = "H:i"  # 10:00
DATETIME_FORMAT = "j. F Y H:i"  # 6. januar 2026 10:00
YEAR_MONTH_FORMAT = "F Y"  # januar 2026
MONTH_DAY_FORMAT = "j. F"  # 6. januar
SHORT_DATE_FORMAT = "d.m.Y"  # 06.01.2026
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 06.01.2026 10:00

MONTH_FORMAT = "N"  # jan.
DAY_FORMAT = "D j. N"  # tir 6. jan.
DAY_TIME_FORMAT = "D j. N H:i"  # tir 6. jan. 10:00
DATE_TIME_FORMAT = "j. N H:i"  # 6. jan. 10:00
ABBR_DATE_FORMAT = "j. N Y"  # 6. jan. 2026
MONTH_DAY_TIME_FORMAT = "j. F H:i"  # 6. januar 10:00
LONG_DAY_TIME_FORMAT = "l j. F H:i"  # tirsdag 6. januar 10:00
LONG_DATETIME_FORMAT = "l j. F Y H:i"  # tirsdag 6. januar 2026 10:00
LONG_DAY_FORMAT = "l j. F"  # tirsdag 6. januar
LONG_DATE_FORMAT = "l j. F Y"  # tirsdag 6. januar 2026
