"""Background work for the GUI: each job in its own QThread, results back on the GUI thread."""
