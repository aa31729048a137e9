"""Dates and sizes as the user's locale writes them (QLocale, not strftime: "2026/11/2 10:00" in
Chinese, "11/2/26 10:00 AM" in American English). The core keeps its own fixed formats for logs
and the CLI; only the UI localises."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale

#: The C ("POSIX") locale's short date is "20 11 2026": without a real locale, ISO 8601 reads best.
ISO_FORMAT = "yyyy-MM-dd HH:mm"


def _date_time(timestamp: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(round(timestamp * 1000))


def _is_c_locale(locale: QLocale) -> bool:
    return locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage)


def format_timestamp(timestamp: float | None, locale: QLocale | None = None) -> str:
    """A compact date and time for the message list: the locale's short date and short time."""
    if timestamp is None:
        return ""
    locale = locale or QLocale()
    if _is_c_locale(locale):
        return locale.toString(_date_time(timestamp), ISO_FORMAT)
    date_format = locale.dateFormat(QLocale.FormatType.ShortFormat)
    time_format = locale.timeFormat(QLocale.FormatType.ShortFormat)
    return locale.toString(_date_time(timestamp), f"{date_format} {time_format}")


def format_long_timestamp(timestamp: float | None, locale: QLocale | None = None) -> str:
    """The date spelled out with the time, for the preview's header (no time zone name)."""
    if timestamp is None:
        return ""
    locale = locale or QLocale()
    date_format = locale.dateFormat(QLocale.FormatType.LongFormat)
    time_format = locale.timeFormat(QLocale.FormatType.ShortFormat)
    return locale.toString(_date_time(timestamp), f"{date_format} {time_format}")


def human_size(size: float, locale: QLocale | None = None) -> str:
    """'512 B', '12 KB', '1.2 MB', '3.4 GB' (binary units, as mail clients traditionally show),
    with the locale's digits and decimal separator."""
    locale = locale or QLocale()
    if size < 1024:
        return f"{locale.toString(int(size))} B"
    if size < 1024 * 1024:
        return f"{locale.toString(round(size / 1024))} KB"
    if size < 1024 * 1024 * 1024:
        return f"{locale.toString(size / (1024 * 1024), 'f', 1)} MB"
    return f"{locale.toString(size / (1024 * 1024 * 1024), 'f', 1)} GB"
