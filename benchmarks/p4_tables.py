"""P4: ``io.select.table`` over 1,000,000 rows — bytes on the wire and kernel time.

For a pandas DataFrame and a list of dicts of the same 1,000,000 rows, measured in one
process: the bytes of the first page as the page receives it (the table's props in the
prompt spec), the kernel time for the first page, a sort, a text filter and a page turn,
and the memory the table adds. The baseline, measured in the same run, is what a widget
that ships the whole table to the page (as ipywidgets-based grids do) must serialise:
every row as JSON. Goal (docs/architecture.md): first page ≤ 200 KB; paging/sorting/filtering answered
in the kernel; memory bounded.

Run: ``python benchmarks/p4_tables.py [rows]``
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import interval_nb as inb


def make_rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "email": f"user{i}@example.com",
            "plan": ("free", "pro", "team")[i % 3],
            "amount": round((i * 7919) % 100_000 / 100, 2),
            "country": ("DE", "FR", "US", "BR")[i % 4],
        }
        for i in range(n)
    ]


def timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - t0) * 1000


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


async def measure(label: str, data: Any) -> dict[str, Any]:
    before = rss_mb()
    t0 = time.perf_counter()
    table = await inb.io.select.table("Users", data=data, page_size=50).prepare()
    first_ms = (time.perf_counter() - t0) * 1000
    first_bytes = len(json.dumps(table.spec(table.initial_value())).encode())
    amount = table.columns[3].key
    out = {"label": label, "first_ms": first_ms, "first_bytes": first_bytes}
    for name, query in [
        ("sort", {"offset": 0, "page_size": 50, "sort": {"column": amount, "direction": "desc"}}),
        (
            "sort again (cached)",
            {"offset": 0, "page_size": 50, "sort": {"column": amount, "direction": "desc"}},
        ),
        ("filter (builds search text)", {"offset": 0, "page_size": 50, "search": "user12345"}),
        ("filter again, other text", {"offset": 0, "page_size": 50, "search": "user777"}),
        (
            "page turn",
            {"offset": 500_000, "page_size": 50, "sort": {"column": amount, "direction": "desc"}},
        ),
    ]:
        t0 = time.perf_counter()
        rows, total = await table.query(table.parse_query(query))
        reply = {"type": "query_result", "rows": rows, "total": total, "offset": query["offset"]}
        out[name] = ((time.perf_counter() - t0) * 1000, len(json.dumps(reply).encode()))
    out["added_mb"] = rss_mb() - before
    del table
    return out


def main(n: int) -> None:
    rows = make_rows(n)
    import pandas as pd

    frame = pd.DataFrame(rows)
    data_mb = rss_mb()
    t0 = time.perf_counter()
    whole = len(json.dumps(rows).encode())
    whole_ms = (time.perf_counter() - t0) * 1000
    print(
        f"P4  io.select.table over {n:,} rows (5 columns); the data itself: {data_mb:,.0f} MB RSS"
    )
    print(
        f"  baseline: the whole table as JSON (what a ship-everything grid sends): "
        f"{whole / 1e6:,.1f} MB, {whole_ms:,.0f} ms to serialise"
    )
    for label, data in (("pandas DataFrame", frame), ("list of dicts", rows)):
        r = asyncio.run(measure(label, data))
        print(f"  {label}:")
        print(
            f"    first page (50 rows) on the wire {r['first_bytes'] / 1000:8.1f} KB "
            f"({whole / r['first_bytes']:,.0f}× less than the whole table; goal ≤ 200 KB), "
            f"{r['first_ms']:7.1f} ms"
        )
        for name in (
            "sort",
            "sort again (cached)",
            "filter (builds search text)",
            "filter again, other text",
            "page turn",
        ):
            ms, size = r[name]
            print(f"    {name:<30} {ms:8.1f} ms kernel, {size / 1000:6.1f} KB reply")
        print(
            f"    memory the table keeps (caches of orderings and search text) {r['added_mb']:7.1f} MB"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
