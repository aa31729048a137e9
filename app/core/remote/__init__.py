"""The remote mailbox (Foxmail's 远程邮箱管理): see what is on the server, then download or delete
chosen messages, each named by its UIDL.

- :mod:`.session`: one logged-in session for one account (the fetch engine's client and login),
  holding the account's lock so no fetch runs meanwhile, and the server's UIDL and LIST.
- :mod:`.listing`: :func:`~.listing.list_remote`, every message with its number, size, decoded
  Date/From/Subject (``TOP n 0``, pipelined) and whether it is stored here.
- :mod:`.execute`: :func:`~.execute.execute_marks`, the user's marks (download, download and
  delete, delete on server, leave) carried out in one session, by UIDL, never by number.
"""
