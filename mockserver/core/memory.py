"""Large request bodies must not leave the server's memory bloated after they are gone.

glibc serves big allocations (a 10 MB form field, an upload) with mmap and returns them to
the system when freed, but it raises that threshold each time one is freed, up to 32 MB; after
the first big body, later ones come from the heap, where the small objects kept meanwhile (the
journal's entries) pin the pages: 300 posts of 9.5 MB fields left RSS at 419 MB although the
journal held 6 MB (bench/journal_memory.py). Fixing the threshold at its default keeps big
buffers in mmap: RSS stayed at 110 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc malloc.h)
THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value


def keep_large_buffers_out_of_the_heap() -> bool:
    """Fix glibc's mmap threshold; False where the C library is not glibc (nothing done)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))
