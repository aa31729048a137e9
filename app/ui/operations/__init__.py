"""Mailbox operations: one small module per domain, each a change to the store that announces itself.

An operation never touches a widget: it runs ``work(store)`` through :class:`OperationRunner`
(at once on the GUI thread for a few rows, in a background job with its own store for many) and
the runner announces the :class:`~app.ui.store_events.MessageChange` it returns through
:class:`~app.ui.store_events.StoreEvents`. Asking the user (confirmations, file dialogs) is done
before, by the caller (``app/ui/mailbox_actions.py``).
"""
