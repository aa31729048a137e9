"""The junk filter (issue 19): a local Bayesian classifier, trained by the user's "Junk" and
"Not Junk", that moves new junk to each account's Junk folder. No Qt, no network: nothing about a
message leaves the machine.

:mod:`~app.core.junk.tokens` turns a raw message into tokens, :mod:`~app.core.junk.scoring` is
the pure Robinson-Fisher arithmetic, :mod:`~app.core.junk.settings` the user's choices,
:mod:`~app.core.junk.senders` the trusted and blocked senders, and :mod:`~app.core.junk.filter`
ties them to the store (:func:`~app.core.junk.filter.classify_new` is the new-mail hook's step).
The rows live in :mod:`app.core.store.junk_tables`.
"""
