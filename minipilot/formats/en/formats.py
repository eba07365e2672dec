"""English for readers in Finland: the day first with the month in words, so that no reader takes
1 Dec for 12 Jan, and the 24-hour clock: 1 Dec 2026, 23:32; 1,000.00."""

DATE_FORMAT = "j F Y"  # 1 December 2026
TIME_FORMAT = "H:i"  # 23:32
DATETIME_FORMAT = "j F Y, H:i"  # 1 December 2026, 23:32
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 1 December
SHORT_DATE_FORMAT = "j M Y"  # 1 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 1 Dec 2026, 23:32
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d %b %Y", "%d %B %Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
