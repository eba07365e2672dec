"""Numbers, dates and times for each language of the site, as readers in Finland write them.

Django's own Swedish formats are Sweden's (ISO dates, 2026-12-01) and its English ones are the
United States' (12/01/2026 11:32 p.m.); a Finnish city's pages in Swedish and English use the
day first and the 24-hour clock. Every date field of the site is a browser date picker, which
needs ISO values, so the ISO format comes first among the input formats in every language.
"""
