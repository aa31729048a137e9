"""RFC 3676 ``format=flowed`` text turned back into paragraphs for display.

A flowed line that ends in a space is "soft": the writer's paragraph continues on the next line
(section 4.2). Quote depth is the count of leading ``>`` (4.5); lines of different depth never join.
A leading space is stuffing and is removed (4.4). The signature separator ``-- `` stays a hard line
(4.3). With ``DelSp=yes`` the trailing space of a soft line was added by the writer and is removed
before joining (4.2).
"""

from __future__ import annotations


def unflow(text: str, delete_space: bool = False) -> str:
    """Join soft-broken lines; quoted paragraphs keep a ``> `` prefix per level."""
    output: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def finish() -> None:
        prefix = ">" * paragraph_depth + (" " if paragraph_depth else "")
        output.append(prefix + "".join(paragraph))
        paragraph.clear()

    open_paragraph = False
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing (or the space after the quote marks)
        if open_paragraph and depth != paragraph_depth:
            finish()  # a quote-depth change ends a paragraph even after a soft break (4.5)
            open_paragraph = False
        if not open_paragraph:
            paragraph_depth = depth
        soft = content.endswith(" ") and content != "-- "
        if soft and delete_space:
            content = content[:-1]
        paragraph.append(content)
        if soft:
            open_paragraph = True
        else:
            finish()
            open_paragraph = False
    if open_paragraph:
        finish()
    return "\n".join(output)
