"""Where an export's frozen tables are kept: their rows, written once as they are made
and read back as a stream, so that no step holds a table of 600,000 rows.

A snapshot (its shape: this package's docstring) keeps each table's small parts in its
JSON; the rows of its tables ("matrix", "annex", "deadlines") go where a keeper puts
them:

- `Inline` keeps them in the snapshot, as lists (a small summary, made at once: the
  portfolio's, or one a test reads);
- `Stream` writes them to a file, each table a gzip member of JSON lines, and leaves in
  the snapshot where they are: {"at": byte offset, "count": rows}. The export keeps the
  file beside its snapshot (`Export.figures`), and `attached` gives a renderer the
  snapshot with each table's rows as `Rows`, read again from the file at each pass.

A renderer reads a table's rows only by `len()` and by iterating them, so lists and
`Rows` serve alike.
"""

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

TABLES = ("matrix", "annex", "deadlines")
BATCH = 1_000  # rows compressed at once


def _line(row: list) -> bytes:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class Inline:
    """Rows kept in the snapshot itself."""

    def keep(self, rows: Iterable[list]) -> list[list]:
        return list(rows)


class Stream:
    """Rows written to `out` (a binary file opened for writing), a gzip member a table;
    the file's bytes depend on the rows alone (no time stamp in them)."""

    def __init__(self, out: BinaryIO):
        self.out = out

    def keep(self, rows: Iterable[list]) -> dict:
        at, count = self.out.tell(), 0
        with gzip.GzipFile(fileobj=self.out, mode="wb", compresslevel=1, mtime=0) as packed:
            batch = []
            for row in rows:
                batch.append(_line(row))
                count += 1
                if len(batch) == BATCH:
                    packed.write(b"".join(batch))
                    batch.clear()
            packed.write(b"".join(batch))
        return {"at": at, "count": count}


class Rows:
    """A table's rows in a stream file: their number, and the rows, read afresh each
    time they are iterated (`open` gives the file anew)."""

    def __init__(self, open: Callable[[], BinaryIO], at: int, count: int):
        self.open, self.at, self.count = open, at, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[list]:
        with self.open() as file:
            file.seek(self.at)
            with gzip.GzipFile(fileobj=file, mode="rb") as packed:
                # The next table's member follows: stop at this one's last row.
                for _index, line in zip(range(self.count), packed, strict=False):
                    yield json.loads(line)


def attached(snapshot: dict, open: Callable[[], BinaryIO] | None) -> dict:
    """The snapshot with each streamed table's rows as `Rows` of the file `open` gives
    (a shallow copy: the stored snapshot keeps its offsets)."""
    ready = dict(snapshot)
    for name in TABLES:
        table = snapshot.get(name)
        if table and isinstance(table.get("rows"), dict):
            if open is None:
                raise ValueError(f"the {name} rows are in a file this export has not")
            ready[name] = {**table, "rows": Rows(open, **table["rows"])}
    return ready
