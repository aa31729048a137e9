"""The address book in the window: the To/Cc/Bcc field with completion (recipient_field.py), the
address book window (window.py, with the contact editor in editor.py and import/export in
exchange.py), "Add to address book" for a message's sender (sender.py), and the one thread that
reads and writes the contact tables for all of them (worker.py). The rules are the core's
(:mod:`app.core.contacts`); this package only shows them."""
