"""Writing mail: a :class:`~app.core.compose.draft.Draft` and the MIME message built from it.

:mod:`~app.core.compose.draft` holds what the user writes, :mod:`~app.core.compose.build` turns it
into the bytes that are sent (and stored in Sent) or saved as a draft, and
:mod:`~app.core.compose.respond` makes drafts from a stored message (Reply, Reply All, Forward,
Edit as New) with :mod:`~app.core.compose.subjects` keeping subject prefixes single and
:mod:`~app.core.compose.quoting` writing the attribution line and the quote. No Qt, no network.
"""
