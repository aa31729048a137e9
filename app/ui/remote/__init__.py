"""The remote mailbox in the window (issue 18): completing partial messages (Download Now in the
reader), and the per-account window that lists what is on the server and carries out marks."""
