"""Columns read from memory-mapped files (``np.load(mmap_mode="r")``) without keeping them resident.

A pass over a mapped column leaves every page it read in the process's resident set: at national
size (the pool snapshot's 190 M rows) one pass over every column is ~7 GB. ``release`` hands the
pages of rows already read back to the kernel (``MADV_DONTNEED`` on the read-only shared file
mapping: the data stays in the file and the page cache, a later read maps it again). It changes
no value and does nothing for an array held in memory.
"""

from __future__ import annotations

import mmap

import numpy as np


def _mapping(arr: np.ndarray) -> mmap.mmap | None:
    """The file mapping under ``arr`` if it is a read-only ``np.memmap``'s (mode "r"), else None
    (a copy-on-write mapping would lose its private pages)."""
    base, read_only = arr, False
    while base is not None and not isinstance(base, mmap.mmap):
        read_only |= isinstance(base, np.memmap) and base.mode == "r"
        base = getattr(base, "base", None)
    return base if read_only and base is not None and not base.closed else None


def mapped(arr: np.ndarray) -> bool:
    """Whether ``arr`` reads a read-only file mapping (``release`` has something to hand back)."""
    return _mapping(arr) is not None


def release(arr: np.ndarray, start: int = 0, stop: int | None = None) -> None:
    """Drop rows ``[start, stop)`` of a mapped 1-d column (the whole array when it has more
    dimensions) from the resident set: whole pages inside the range only."""
    mm = _mapping(arr)
    if mm is None or arr.size == 0 or not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        return
    origin = np.frombuffer(mm, np.uint8, count=1).__array_interface__["data"][0]
    offset = arr.__array_interface__["data"][0] - origin
    if arr.ndim == 1:
        stop = arr.size if stop is None else min(stop, arr.size)
        start = max(start, 0)
        first, last = offset + start * arr.itemsize, offset + stop * arr.itemsize
    else:
        first, last = offset, offset + arr.nbytes
    page = mmap.PAGESIZE
    first, last = -(-first // page) * page, min(last, len(mm)) // page * page
    if last > first:
        mm.madvise(mmap.MADV_DONTNEED, first, last - first)


def chunks(arr: np.ndarray, step: int):
    """``(start, rows)`` over a column, ``step`` rows at a time, each chunk's pages released
    once the caller has moved on to the next (a mapped column then stays ~one chunk resident)."""
    for start in range(0, arr.shape[0], step):
        yield start, arr[start:start + step]
        release(arr, start, start + step)
