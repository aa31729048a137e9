"""The words around a quoted message: the attribution line, the quote, the forwarded-message header.

Localised here rather than through Qt, because the CLI writes replies too: English, and Chinese
for a zh locale ("在 2026年12月1日 20:15，张三 写道：", as Foxmail and QQ Mail write it).
"""

from __future__ import annotations

from datetime import datetime


def is_chinese(language: str) -> bool:
    return language.lower().startswith("zh")


def format_when(timestamp: float | None, language: str) -> str:
    if timestamp is None:
        return ""
    when = datetime.fromtimestamp(timestamp)
    if is_chinese(language):
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    return f"{when:%a}, {when.day} {when:%b %Y} at {when:%H:%M}"


def attribution(timestamp: float | None, name: str, language: str) -> str:
    """"On <date>, <name> wrote:" (a message without a date: "<name> wrote:")."""
    when = format_when(timestamp, language)
    if is_chinese(language):
        return f"在 {when}，{name} 写道：" if when else f"{name} 写道："
    return f"On {when}, {name} wrote:" if when else f"{name} wrote:"


def quote(text: str) -> str:
    """Every line prefixed with "> " (">" alone before an already quoted or empty line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    return "\n".join(">" + line if line.startswith(">") or not line else "> " + line for line in lines)


def forward_header(sender: str, when: float | None, date_text: str, subject: str, to: str, cc: str,
                   language: str) -> str:
    """The block above a message forwarded inline."""
    date = format_when(when, language) or date_text
    if is_chinese(language):
        rows = [("发件人", sender), ("日期", date), ("主题", subject), ("收件人", to), ("抄送", cc)]
        title = "---------- 转发的邮件 ----------"
        separator = "："
    else:
        rows = [("From", sender), ("Date", date), ("Subject", subject), ("To", to), ("Cc", cc)]
        title = "---------- Forwarded message ----------"
        separator = ": "
    return "\n".join([title, *(f"{label}{separator}{value}" for label, value in rows if value)])
