"""Swedish as written in Finland (Institutet för de inhemska språken): 1.12.2026 kl. 23.32, not
Sweden's 2026-12-01 23:32; 1 000,00 with a no-break space between the thousands."""

DATE_FORMAT = "j F Y"  # 1 december 2026
TIME_FORMAT = "G.i"  # 23.32
DATETIME_FORMAT = r"j F Y \k\l. G.i"  # 1 december 2026 kl. 23.32
YEAR_MONTH_FORMAT = "F Y"  # december 2026
MONTH_DAY_FORMAT = "j F"  # 1 december
SHORT_DATE_FORMAT = "j.n.Y"  # 1.12.2026
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l. G.i"  # 1.12.2026 kl. 23.32
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\N{NO-BREAK SPACE}"
NUMBER_GROUPING = 3
