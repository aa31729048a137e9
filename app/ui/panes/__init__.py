"""The parts the main window is made of: each builds its widgets and keeps itself up to date.

folder_pane (accounts and folders with unread counts), message_list (the list with its search box),
reader (what happens around the preview: mark read when shown, encodings, read on), welcome (first
run), info_bar (news that must not be missed), status_bar (fetch progress, pending deletions).
Panes that show store data listen to :class:`app.ui.store_events.StoreEvents`.
"""
