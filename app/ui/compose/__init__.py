"""Writing mail in the window: the compose window, its drafts, and sending through the outbox.

Everything that builds, quotes or queues a message is the core's (``app/core/compose``,
``app/core/send``, ``app/core/store/outbox.py``), exactly as the command line uses it; this package
only shows it: :mod:`.window` (the compose window), :mod:`.drafts` (saved as you type),
:mod:`.opening` (New, Reply, Reply All, Forward, Edit as New, a draft reopened), :mod:`.sending`
(the outbox worker in a background job, retries) and :mod:`.outbox_view` (what waits or failed).
"""
