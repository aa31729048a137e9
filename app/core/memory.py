"""Giving freed big buffers back to the operating system (glibc).

glibc serves an allocation above its mmap threshold with its own mapping, returned at ``free``.
But it raises that threshold to the size of each such block freed, up to 32 MB: after the first
20 MB message, the next ones come from the heap, and what they leave behind stays in the
process. A fetch of 20 MB messages peaked at 152 MB instead of 110 MB (bench/fetch_bench.py
--big-messages). Setting the threshold once switches that adjustment off.
"""

from __future__ import annotations

import sys

#: Blocks from this size up get their own mapping: messages and their copies, not everyday objects.
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024
#: mallopt's parameter number for M_MMAP_THRESHOLD (malloc.h).
_M_MMAP_THRESHOLD = -3

_done = False


def return_big_blocks_to_the_system() -> None:
    """Fix glibc's mmap threshold (once; nothing elsewhere, and nothing if it cannot)."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    # Imported here: only a fetch that meets a big message needs ctypes.
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc (musl, say): its allocator returns big blocks itself
        pass


__all__ = ["MMAP_THRESHOLD_BYTES", "return_big_blocks_to_the_system"]
