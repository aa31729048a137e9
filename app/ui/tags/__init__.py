"""Tags in the window (issue 19): coloured marks in the message list, the number keys, the Tag
menu, the tag manager, and the quick filter bar over the list. The tags themselves are the
store's (:mod:`app.core.store.tags`); this package only shows and sets them."""
