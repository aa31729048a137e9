"""The usual form of a Date header, read without the email package's general parser.

Nearly every message dates itself as RFC 5322 section 3.3 recommends: ``Sat, 01 Jun 2024
08:52:00 +0800``. :func:`plain_timestamp` reads exactly that form, as
``email.utils.parsedate_to_datetime`` would (same fields, same two-digit-year rule, same errors
for impossible values), at a fraction of its cost: the list parses the date of every fetched
message (:func:`app.core.message.headers.parse_date`). Every other form is left to the email
package.
"""

from __future__ import annotations

import re
from datetime import date

#: Optional day name, day, month name, year, hh:mm:ss, numeric zone; after it only the end or
#: white space (email.utils reads the first five words and ignores the rest, e.g. "(CST)").
_PLAIN_DATE = re.compile(r"(?:[A-Za-z]{3}, )?([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"
                         r" ([+-])([0-9]{4})(?=[ \t]|\Z)")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def plain_timestamp(value: str) -> float | None:
    """The POSIX time of ``value`` when it has the usual form, else None (ask the email package).

    Raises ValueError for a date of that form that cannot be (31 February, 25:00, a zone of 99
    hours), where the email package raises it too.
    """
    match = _PLAIN_DATE.match(value)
    if match is None:
        return None
    day, month_name, year, hours, minutes, seconds, sign, zone = match.groups()
    month = _MONTHS.get(month_name.lower())
    zone_number = int(zone)
    if month is None or (zone_number == 0 and sign == "-"):  # "-0000": no zone at all, in email.utils
        return None
    number = int(year)
    if number < 100:  # email.utils reads "0069" as 2069 and "0070" as 1970, as a two-digit year
        number += 1900 if number > 68 else 2000
    offset = (zone_number // 100) * 3600 + (zone_number % 100) * 60
    hour, minute, second = int(hours), int(minutes), int(seconds)
    if hour > 23 or minute > 59 or second > 59 or offset >= 86_400:
        raise ValueError(f"not a time of day or zone: {value!r}")  # what datetime() and timezone() raise
    days = date(number, month, int(day)).toordinal() - _EPOCH_ORDINAL  # ValueError for 31 February
    return float(days * 86_400 + hour * 3600 + minute * 60 + second + (offset if sign == "-" else -offset))
