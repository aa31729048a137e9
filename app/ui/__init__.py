"""The Qt shell over the core. Only this package imports PySide6."""
