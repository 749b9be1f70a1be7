"""Aggregation jobs, imported by the pipeline as `import meterflow.jobs as jobs`.
`count_rows` runs on several threads (pipeline.count_all): its unguarded update of a module
counter is reported here (PAR601)."""
import sqlite3

ROWS_SEEN = 0


def aggregate(batch, key):
    totals = {}
    for row in batch:
        group = row[key]
        if group in totals:
            totals[group] += row["kwh"]
        else:
            totals[group] = row["kwh"]
    return totals


def count_rows(batch):
    global ROWS_SEEN
    ROWS_SEEN += len(batch)  # expect: PAR601


def rebuild_partition(day):
    with sqlite3.connect("/var/lib/meterflow/warehouse.db") as conn:
        conn.execute("DELETE FROM daily WHERE day = ?", (day,))
        conn.execute("INSERT INTO daily SELECT * FROM staging WHERE day = ?", (day,))
