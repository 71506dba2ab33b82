"""Releasing a mapped column's pages changes no value and leaves other arrays alone."""

from __future__ import annotations

import numpy as np

from kernel.mapped import chunks, release


def _rss_file_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssFile"))


def test_a_released_column_reads_the_same(tmp_path):
    values = np.arange(3_000_000, dtype=np.int64) * 7
    np.save(tmp_path / "c.npy", values)
    mapped = np.load(tmp_path / "c.npy", mmap_mode="r")
    view = mapped[10:].view()
    view.flags.writeable = False
    assert int(view.sum()) == int(values[10:].sum())
    before = _rss_file_kib()
    release(view)
    assert _rss_file_kib() < before - 10_000          # ~23 MB of pages handed back
    np.testing.assert_array_equal(view, values[10:])
    total = 0
    for start, part in chunks(mapped, 1 << 18):
        total += int(part.sum())
        assert start % (1 << 18) == 0
    assert total == int(values.sum())
    release(mapped, 5, 2_000_001)
    np.testing.assert_array_equal(mapped, values)


def test_arrays_in_memory_and_private_maps_are_left_alone(tmp_path):
    values = np.arange(1_000_000, dtype=np.int64)
    release(values)
    np.testing.assert_array_equal(values, np.arange(1_000_000))
    np.save(tmp_path / "c.npy", values)
    private = np.load(tmp_path / "c.npy", mmap_mode="c")
    private[:] = 1                                    # copy-on-write pages: not in the file
    release(private)
    assert (private == 1).all()
    pairs = np.asfortranarray(np.arange(400_000, dtype=np.int64).reshape(-1, 2))
    np.save(tmp_path / "p.npy", pairs)
    mapped = np.load(tmp_path / "p.npy", mmap_mode="r")
    release(mapped)
    np.testing.assert_array_equal(mapped, pairs)
