"""Reading a stored message: one package for every path that turns raw bytes into what people read.

The modules, each depending only on those above it (``tests/core/test_layout.py`` forbids cycles):

- :mod:`.charsets`: charset labels and their aliases, decoding that never raises, and the choice of
  a body's charset when the message does not say or says wrong;
- :mod:`.headers`: the one header parser (fields of a message or a MIME part, RFC 2047 words,
  RFC 2045/2231 parameters, addresses, dates), used by the list, the viewer and the tree alike;
- :mod:`.flowed`: RFC 3676 format=flowed;
- :mod:`.html_policy`: what an HTML mail may load and how it is served (the decisions; the Qt
  plumbing that enforces them is ``app/ui/widgets/html_view.py``);
- :mod:`.tree`: the MIME structure as offsets into the raw bytes;
- :mod:`.summary`: the list's fields of a message, the fast path run once per fetched message;
- :mod:`.view`: the viewer's and ``poplark show``'s one reading of a message;
- :mod:`.text`: plain text of a message for terminals and the search index.

Nothing here raises on message content, and nothing changes the stored bytes: they are the truth.
This file imports nothing, so importing one module (the store needs only :mod:`.summary`) does not
load the others.
"""
