"""What an analyst would do instead: load the ledger into DuckDB and write the rules in SQL.

A benchmark-only peer (``pip install -e '.[bench]'`` in a clone): the JSON
Lines file is read with DuckDB's ``read_json``, the ``record`` of each entry
flattened into a few tables (returns, assurances given, withdrawals, their
commitments, outcomes), and four of the breach rules of ``docs/format.md`` are
written as SQL over them:

* ``detention_limit``: a detention by the giver, ended by a release or by the
  claimant's removal or departure, longer than ``max_days`` inside the
  obligation (from the later of detention and giving, to the earliest of its
  end, ``as_of`` and a releasing withdrawal);
* ``non_refoulement``: a removal by the giver (or a coerced departure from it)
  to a feared country, on or after the giving, not excused by an earlier final
  refusal unless ``absolute``; direct removals only, no chains;
* ``access_to_procedure``: an admission by the giver recorded after the last
  allowed day (``within_days`` from the later of return and giving);
* ``notification``: a removal by the giver notified to the recipient after
  the last allowed day (``within_days`` from the removal).

SQL has no uncertain dates, so the peer counts only what the library calls
*certain* breaches, and only for ledgers generated with ``exact=True``
(``generate.py``): every date exact, no corrections (the peer would ignore
them), no onward removals (it knows no chains). A missing record (no
admission, no notice, no release by ``as_of``) is never more than a possible
breach, so it is not counted. The unit is the library's: one breach per
assurance, claimant and finding (a claimant covered by two assurances counts
twice). :func:`cross_check` checks both agree.

Run ``python benchmarks/duckdb_peer.py [ENTRIES] [--check]`` to time the load
and the queries on a cached exact ledger.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import duckdb

from assurance_ledger import Ledger, Report, check

#: The four rules the peer writes in SQL.
RULES = ("detention_limit", "non_refoulement", "access_to_procedure", "notification")

_RECORD = """STRUCT(
    type VARCHAR, assurance_id VARCHAR, claimant_id VARCHAR, outcome_id VARCHAR,
    "on" DATE, "by" VARCHAR, "to" VARCHAR, regarding VARCHAR,
    decision VARCHAR, final BOOLEAN, coerced BOOLEAN,
    returned_by VARCHAR, returned_to VARCHAR, crossing VARCHAR,
    nationalities VARCHAR[], country_of_origin VARCHAR, feared_countries VARCHAR[],
    minor BOOLEAN, given_by VARCHAR, given_to VARCHAR, releases_existing BOOLEAN,
    commitments STRUCT(kind VARCHAR, within_days INTEGER, max_days INTEGER,
                       absolute BOOLEAN)[],
    scope STRUCT(returns_from DATE, returns_until DATE, crossings VARCHAR[],
                 nationalities VARCHAR[], exclude_nationalities VARCHAR[],
                 claimants VARCHAR[], minors_only BOOLEAN)
)"""

_LOAD = (
    """
CREATE TABLE entries AS
SELECT seq, record.* FROM read_json(
    $path, format = 'newline_delimited',
    columns = {'seq': 'BIGINT', 'record': '"""
    + " ".join(_RECORD.split())
    + """'})
""",
    """
CREATE TABLE returns AS
SELECT seq, claimant_id, "on" AS day, returned_by, returned_to,
       coalesce(crossing, 'unknown') AS crossing, nationalities,
       coalesce(minor, false) AS minor,
       coalesce(feared_countries,
                CASE WHEN coalesce(country_of_origin, nationalities[1]) IS NULL
                     THEN []::VARCHAR[]
                     ELSE [coalesce(country_of_origin, nationalities[1])] END) AS feared
FROM entries WHERE type = 'claimant_returned'
""",
    """
CREATE TABLE given AS
SELECT assurance_id, "on" AS day, given_by, given_to, commitments,
       scope.returns_from, scope.returns_until, scope.crossings,
       scope.nationalities, coalesce(scope.exclude_nationalities, []::VARCHAR[]) AS excluded,
       scope.claimants, coalesce(scope.minors_only, false) AS minors_only
FROM entries WHERE type = 'assurance_given'
""",
    """
CREATE TABLE withdrawn AS
SELECT assurance_id, "on" AS day, coalesce(releases_existing, false) AS releases
FROM entries WHERE type = 'assurance_withdrawn'
""",
    """
CREATE TABLE terms AS
SELECT assurance_id, c.kind, c.within_days, c.max_days, coalesce(c.absolute, false) AS absolute
FROM (SELECT assurance_id, unnest(commitments) AS c FROM given)
""",
    """
CREATE TABLE outcomes AS
SELECT seq, type, outcome_id, claimant_id, "on" AS day, "by", "to", regarding,
       decision, coalesce(final, false) AS final, coalesce(coerced, false) AS coerced
FROM entries WHERE outcome_id IS NOT NULL
""",
    "DROP TABLE entries",
)

# Which given assurance certainly covers which return, as of $as_of; with the
# day after which nothing counts (a withdrawal that releases existing claims).
_CASES = """
CREATE OR REPLACE TEMP TABLE cases AS
SELECT c.claimant_id, c.day AS returned_on, c.feared, c.returned_by AS recipient,
       g.assurance_id, g.given_by AS giver, g.day AS given_on,
       greatest(c.day, g.day) AS start_on,
       CASE WHEN w.releases THEN w.day END AS freed_on
FROM returns c
JOIN given g ON g.given_by = c.returned_to AND g.given_to = c.returned_by
LEFT JOIN withdrawn w ON w.assurance_id = g.assurance_id AND w.day <= $as_of
WHERE c.day <= $as_of AND g.day <= $as_of
  AND (g.returns_from IS NULL OR c.day >= g.returns_from)
  AND (g.returns_until IS NULL OR c.day <= g.returns_until)
  AND (g.crossings IS NULL OR list_contains(g.crossings, c.crossing))
  AND (g.nationalities IS NULL OR list_has_any(g.nationalities, c.nationalities))
  AND NOT list_has_any(g.excluded, c.nationalities)
  AND (g.claimants IS NULL OR list_contains(g.claimants, c.claimant_id))
  AND (NOT g.minors_only OR c.minor)
  AND (w.day IS NULL OR c.day <= w.day)
"""

# Removals, and coerced departures as removals by the state the claimant left:
# where the last move on an earlier day took them, else the state they were
# returned to.
_REMOVALS = """
CREATE OR REPLACE TEMP TABLE removals AS
WITH moves AS (
    SELECT o.*, r.returned_to FROM outcomes o JOIN returns r USING (claimant_id)
    WHERE o.type IN ('removed', 'departed') AND o.day <= $as_of
), days AS (
    SELECT claimant_id, day, arg_max("to", seq) AS last_to FROM moves GROUP BY ALL
), came_from AS (
    SELECT claimant_id, day,
           lag(last_to) OVER (PARTITION BY claimant_id ORDER BY day) AS left_from
    FROM days
)
SELECT m.outcome_id, m.claimant_id, m.day, m."to",
       CASE WHEN m.type = 'removed' THEN m."by"
            ELSE coalesce(f.left_from, m.returned_to) END AS by_state
FROM moves m JOIN came_from f USING (claimant_id, day)
WHERE m.type = 'removed' OR m.coerced
"""

_QUERIES = {
    "detention_limit": """
WITH held AS (
    SELECT k.claimant_id, k.giver, k.given_on, k.freed_on, t.max_days, d.day AS detained_on
    FROM cases k
    JOIN terms t ON t.assurance_id = k.assurance_id AND t.kind = 'detention_limit'
    JOIN outcomes d ON d.claimant_id = k.claimant_id AND d.type = 'detained'
                   AND d."by" = k.giver AND d.day <= $as_of
), released AS (
    SELECT h.*, (SELECT min(r.day) FROM outcomes r
                 WHERE r.claimant_id = h.claimant_id AND r.type = 'released'
                   AND r."by" = h.giver AND r.day >= h.detained_on
                   AND r.day <= $as_of) AS released_on
    FROM held h
), ended AS (
    SELECT h.*, (SELECT min(m.day) FROM outcomes m
                 WHERE m.claimant_id = h.claimant_id AND m.type IN ('removed', 'departed')
                   AND m.day >= h.detained_on AND m.day <= $as_of
                   AND (h.released_on IS NULL OR m.day <= h.released_on)) AS left_on
    FROM released h
)
SELECT count(*) FROM ended
WHERE (released_on IS NOT NULL OR left_on IS NOT NULL)
  AND least($as_of, released_on, left_on, freed_on) - greatest(detained_on, given_on) > max_days
""",
    "non_refoulement": """
WITH refusals AS (
    SELECT claimant_id, "by", min(day) AS first_on FROM outcomes
    WHERE type = 'claim_decided' AND decision = 'refused' AND final AND day <= $as_of
    GROUP BY ALL
)
SELECT count(*) FROM cases k
JOIN terms t ON t.assurance_id = k.assurance_id AND t.kind = 'non_refoulement'
JOIN removals m ON m.claimant_id = k.claimant_id AND m.by_state = k.giver
LEFT JOIN refusals f ON f.claimant_id = k.claimant_id AND f."by" = k.giver
WHERE list_contains(k.feared, m."to")
  AND m.day >= k.given_on AND (k.freed_on IS NULL OR m.day <= k.freed_on)
  AND (t.absolute OR f.first_on IS NULL OR f.first_on > m.day)
""",
    "access_to_procedure": """
WITH admitted AS (
    SELECT claimant_id, "by", min(day) AS first_on FROM outcomes
    WHERE type = 'admitted_to_procedure' AND day <= $as_of GROUP BY ALL
)
SELECT count(*) FROM cases k
JOIN terms t ON t.assurance_id = k.assurance_id AND t.kind = 'access_to_procedure'
JOIN admitted a ON a.claimant_id = k.claimant_id AND a."by" = k.giver
WHERE a.first_on > k.start_on + t.within_days
  AND (k.freed_on IS NULL OR k.start_on + t.within_days + 1 <= k.freed_on)
""",
    "notification": """
WITH notices AS (
    SELECT regarding, "by", "to", min(day) AS first_on FROM outcomes
    WHERE type = 'notified' AND day <= $as_of GROUP BY ALL
)
SELECT count(*) FROM cases k
JOIN terms t ON t.assurance_id = k.assurance_id AND t.kind = 'notification'
JOIN removals m ON m.claimant_id = k.claimant_id AND m.by_state = k.giver
JOIN notices n ON n.regarding = m.outcome_id AND n."by" = k.giver AND n."to" = k.recipient
WHERE m.day >= k.given_on AND n.first_on > m.day + t.within_days
  AND (k.freed_on IS NULL OR m.day + t.within_days + 1 <= k.freed_on)
""",
}


def load(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection holding the ledger at ``path``, flattened to tables.

    The ledger must have exact dates (``generate(..., exact=True)``): a date
    like ``"2020-03"`` does not cast to a DATE and DuckDB raises.
    """
    con = duckdb.connect(":memory:")
    for statement in _LOAD:
        params = {"path": str(path)} if "$path" in statement else None
        con.execute(statement, params)
    return con


def run_rules(con: duckdb.DuckDBPyConnection, as_of: str | dt.date) -> dict[str, int]:
    """The certain breaches of each of :data:`RULES` as of ``as_of``, counted as ``check`` does."""
    params = {"as_of": _date(as_of)}
    con.execute(_CASES, params)
    con.execute(_REMOVALS, params)
    counts: dict[str, int] = {}
    for rule, sql in _QUERIES.items():
        row = con.execute(sql, params).fetchone()
        counts[rule] = int(row[0]) if row is not None else 0
    return counts


def library_counts(report: Report) -> dict[str, int]:
    """The library's certain breaches of each of :data:`RULES` in ``report``."""
    counts = dict.fromkeys(RULES, 0)
    for breach in report.breaches:
        if breach.commitment in counts and breach.certainty == "certain":
            counts[breach.commitment] += 1
    return counts


def cross_check(path: str | Path, as_of: str | dt.date) -> dict[str, int]:
    """Check the peer's counts equal the library's for the ledger at ``path``; return them.

    Raise :class:`AssertionError` naming both when they differ.
    """
    ours = run_rules(load(path), as_of)
    with Ledger.open(path, snapshot=False) as ledger:
        theirs = library_counts(check(ledger, _date(as_of)))
    if ours != theirs:
        raise AssertionError(f"as of {as_of}: duckdb {ours} != library {theirs}")
    return ours


def _date(value: str | dt.date) -> dt.date:
    """``value`` as a date (``YYYY-MM-DD`` text or a date)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def timed(path: str | Path, as_of: str | dt.date) -> tuple[dict[str, int], float, float]:
    """The counts, and the seconds taken to load the ledger and to run the rules."""
    start = time.perf_counter()
    con = load(path)
    loaded = time.perf_counter()
    counts = run_rules(con, as_of)
    done = time.perf_counter()
    con.close()
    return counts, loaded - start, done - loaded


def main(argv: list[str] | None = None) -> int:
    """Time the peer on a cached exact ledger; with ``--check``, cross-check it too."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate  # noqa: PLC0415 -- benchmarks/ is not a package

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entries", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-of", default=generate.AS_OF)
    parser.add_argument("--check", action="store_true", help="also compare with check()")
    args = parser.parse_args(argv)
    path = generate.cached(args.entries, args.seed, exact=True)
    counts, load_s, query_s = timed(path, args.as_of)
    print(f"{path.name}: load {load_s:.2f} s, rules {query_s:.2f} s")
    print(f"certain breaches as of {args.as_of}: {counts}")
    if args.check:
        start = time.perf_counter()
        cross_check(path, args.as_of)
        print(f"cross-check with check(): equal ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
