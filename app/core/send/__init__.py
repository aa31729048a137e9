"""Sending mail: the SMTP client (:mod:`~app.core.send.smtp`, over the standard library's smtplib),
its replies turned into the error vocabulary (:mod:`~app.core.send.replies`), and the outbox
worker (:mod:`~app.core.send.outbox`) that takes committed messages from the store to the server
and into Sent, exactly once or honestly "may have been sent". No Qt.
"""
