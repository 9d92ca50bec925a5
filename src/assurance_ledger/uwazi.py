"""A ledger as CSV files that HURIDOCS Uwazi imports: claimants, outcomes, assurances, breaches.

Uwazi imports one CSV per template (Settings > Import CSV), matching each
column to a property of the template by name. The files follow what its
importer does (``app/api/csv`` in the Uwazi repository):

* ``title`` holds the entity's id (``c-001``, ``o-004``, ``a-ca-us-2020``), so
  that a relationship cell can name it: a relationship cell holds the *title*
  of the entity it links to;
* several values in one cell (multi-select, relationship) are joined with
  ``|``; each value is neutralised against spreadsheet formulas on its own
  (:func:`~assurance_ledger.csvout.joined`), so a linked title is written
  exactly as the title column writes it;
* a date is ``YYYY-MM-DD`` (one of the forms Uwazi parses whatever the
  collection's date format), and a date range ``EARLIEST:LATEST``, Uwazi's
  import separator ``:``, either side left empty when open (a scope with no end);
  a fact's ``on`` is always a range, since a ledger's dates may be imprecise;
* a boolean is the select value ``true`` or ``false``; a column with no value
  is an empty cell, which Uwazi skips;
* no ``__en``-style language suffixes: every value is written once, in the
  language the import runs in.

:func:`uwazi_files` makes the files (their names and text, and a ``README.md``
listing each template's properties and types to create before importing);
``assurance-ledger export LEDGER --format uwazi --as-of DAY DIR`` writes them.
The mapping is in ``docs/interop.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import flat
from .checker import check
from .csvout import csv_text, joined
from .dates import DateSpan
from .errors import ExportError

if TYPE_CHECKING:
    from .ledger import Ledger

__all__: list[str] = []  # the command line's export format; see docs/interop.md

#: The templates, in the order to import them: a relationship names a title
#: that an earlier file created.
TEMPLATES: Final = ("claimants", "assurances", "outcomes", "breaches")
#: Uwazi's separator between the two days of a date range, on import.
RANGE: Final = ":"

# Fields whose values come from a closed list (countries, the format's
# enumerations): select properties, whose thesaurus the import fills in.
_SELECTS = frozenset(
    {
        "returned_by", "returned_to", "crossing", "country_of_origin", "by", "to",
        "against", "decision", "form", "disclosure", "source_reliability",
        "given_by", "given_to", "requested_by", "requested_of", "outcome_type",
        "status", "finding", "commitment", "certainty", "recorded_by", "unassured",
    }
)  # fmt: skip
# Fields naming another entity: (the property, the template it links to).
_LINKS: Final = {
    "claimant_id": ("claimant", "claimants"),
    "regarding": ("regarding", "outcomes"),
    "scope_claimants": ("scope_claimants", "claimants"),
    "assurance": ("assurance", "assurances"),
    "evidence_outcomes": ("evidence_outcomes", "outcomes"),
}
_TEXTS = frozenset({"recorded_at", "authority", "text_sha256", "source_citation", "note"})
_DATES = frozenset({"on", "scope_returns_from", "scope_returns_until"})


@attrs.frozen
class Property:
    """One column of a template: its Uwazi property ``name``, ``type`` and linked template."""

    name: str
    type: str
    #: The template a relationship links to (``None`` for other types).
    content: str | None = None


@attrs.frozen
class Table:
    """One template's CSV: its properties (after ``title``) and rows of cells by name."""

    template: str
    properties: tuple[Property, ...]
    rows: tuple[Mapping[str, Any], ...]

    def to_csv(self) -> str:
        """The CSV Uwazi imports: ``title`` first, every text cell neutralised."""
        names = ["title", *(p.name for p in self.properties)]
        multi = {p.name for p in self.properties if p.type in _MULTI}
        cells = [[_cell(row.get(name), name in multi) for name in names] for row in self.rows]
        return csv_text(names, cells, as_is=multi)


_MULTI = frozenset({"multiselect", "relationship"})


def _cell(value: Any, multi: bool) -> str | int | None:
    """A value as Uwazi reads it; several values (and any link) joined, each neutralised."""
    if multi:
        items = [] if value is None else value if isinstance(value, list) else [value]
        for item in items:
            if flat.SEPARATOR in str(item):
                raise ExportError(str(item), f"a value without {flat.SEPARATOR!r}")
        return joined([str(item) for item in items], flat.SEPARATOR) or None
    return flat.cell_text(value)


def _span(text: str) -> str:
    """A ledger date (``2020-03``, ``2020-03-20..2020-03-25``) as Uwazi's ``EARLIEST:LATEST``."""
    span = DateSpan.from_json(_json_date(text))
    return f"{span.earliest.isoformat()}{RANGE}{span.latest.isoformat()}"


def _json_date(text: str) -> str | dict[str, str]:
    earliest, dots, latest = text.partition("..")
    return {"earliest": earliest, "latest": latest} if dots else text


def _kind(name: str, values: Iterable[Any]) -> Property:
    """The Uwazi property for a column, from its name and then its values."""
    if name in _LINKS:
        prop, content = _LINKS[name]
        return Property(prop, "relationship", content)
    present = [v for v in values if v is not None]
    for kind, applies in (
        ("daterange", name.endswith("_on") or name in _DATES or name == "scope_returns"),
        ("date", name == "as_of"),
        ("link", name.endswith("_url")),
        ("select", name in _SELECTS or _all(present, bool)),
        ("multiselect", _all(present, list)),
        ("numeric", _all(present, int) and name not in _TEXTS),
    ):
        if applies:
            return Property(name, kind)
    return Property(name, "text")


def _all(values: Sequence[Any], kind: type) -> bool:
    return bool(values) and all(isinstance(v, kind) for v in values)


def _table(template: str, rows: Sequence[dict[str, Any]], first: Sequence[str] = ()) -> Table:
    """A table of rows keyed by field (``title`` among them); each field's property decided."""
    # A column no row fills would be a property with nothing in it: left out.
    names = [
        n
        for n in flat.columns_of(rows, first)
        if n != "title" and any(row.get(n) is not None for row in rows)
    ]
    properties = [_kind(n, (row.get(n) for row in rows)) for n in names]
    renamed = [
        {
            "title": row["title"],
            **{p.name: row.get(n) for n, p in zip(names, properties, strict=True)},
        }
        for row in rows
    ]
    return Table(template, tuple(properties), tuple(renamed))


def _fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A fact row's record fields as Uwazi names (``source.citation`` is ``source_citation``).

    Dates become ranges; ``on_earliest``/``on_latest`` are dropped, ``on`` says both.
    """
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name in flat.DAY_COLUMNS or name in ("type", "recorded_by", "recorded_at"):
            continue
        key = "ledger_seq" if name == "seq" else name.replace(".", "_")
        out[key] = _span(value) if key in _DATES and isinstance(value, str) else value
    return out


def uwazi_tables(ledger: Ledger, as_of: dt.date | str) -> dict[str, Table]:
    """The four templates' tables, by template, as of ``as_of`` (the day the breaches are judged).

    Facts are the current view (corrections applied); the claimants' ``unassured``
    and the breaches are what :func:`~assurance_ledger.checker.check` finds as of ``as_of``.
    """
    report = check(ledger, as_of)
    findings = report.to_records()
    unassured = {
        r["claimant_id"]: r["certainty"] or "certain"
        for r in findings
        if r["finding"] == "unassured_return"
    }
    claimants: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    stages: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    titles: dict[int, tuple[str, str]] = {}
    for row in flat.fact_rows(ledger):
        fields = _fields(row)
        if row["type"] == "claimant_returned":
            fields["title"] = fields.pop("claimant_id")
            fields["returned_on"] = fields.pop("on")
            fields["unassured"] = unassured.get(fields["title"])
            claimants.append(fields)
            titles[row["seq"]] = ("claimant", fields["title"])
        elif "outcome_id" in row:
            fields["title"] = fields.pop("outcome_id")
            fields["outcome_type"] = row["type"]
            outcomes.append(fields)
            titles[row["seq"]] = ("outcome", fields["title"])
        elif row["type"].startswith("assurance_"):
            stages.setdefault(row["assurance_id"], []).append((row["type"], fields))
            titles[row["seq"]] = ("assurance", row["assurance_id"])
    assurances = [_assurance(key, facts) for key, facts in stages.items()]
    breaches = _breaches(findings, titles, report.as_of)
    return {
        "claimants": _table("claimants", claimants, ("title", "returned_on")),
        "assurances": _table("assurances", assurances, ("title", "status")),
        "outcomes": _table("outcomes", outcomes, ("title", "outcome_type", "claimant_id", "on")),
        "breaches": _table("breaches", breaches, ("title", "finding")),
    }


def _assurance(assurance_id: str, facts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One assurance from its stages: each stage's date as ``STAGE_on``; a later stage wins."""
    out: dict[str, Any] = {"title": assurance_id}
    for kind, fields in facts:
        stage = kind.removeprefix("assurance_")
        out["status"] = stage
        for name, value in fields.items():
            if name == "on":
                out[f"{stage}_on"] = value
            elif name == "commitments":
                out["commitments"] = [c["kind"] for c in value]
                out["commitment_terms"] = flat.cell_text(value)
            elif name != "assurance_id":
                out[name] = value
    start, end = out.pop("scope_returns_from", None), out.pop("scope_returns_until", None)
    if start or end:
        out["scope_returns"] = f"{_side(start, 0)}{RANGE}{_side(end, 1)}"
    return out


def _side(value: str | None, end: int) -> str:
    """One side of a range written ``EARLIEST:LATEST``: its first or last day, or empty."""
    return value.split(RANGE)[end] if value else ""


def _breaches(
    findings: Sequence[Mapping[str, Any]], titles: Mapping[int, tuple[str, str]], as_of: dt.date
) -> list[dict[str, Any]]:
    """Breaches and exposures, each titled by who and what; its outcomes linked."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row in findings:
        if row["finding"] not in ("breach", "exposure"):
            continue
        parts = [row["claimant_id"], row["assurance_id"], row["commitment"]]
        title = (
            " / ".join(p for p in parts if p)
            if row["finding"] == "breach"
            else (f"{row['claimant_id']} / exposure")
        )
        seen[title] = seen.get(title, 0) + 1
        if seen[title] > 1:  # a commitment broken on two grounds gives two findings
            title = f"{title} ({seen[title]})"
        out.append(
            {
                "title": title,
                "finding": row["finding"],
                "claimant_id": row["claimant_id"],
                "assurance": row["assurance_id"],
                "commitment": row["commitment"],
                "certainty": row["certainty"],
                "reasons": list(row.get("reasons") or []),
                "as_of": as_of.isoformat(),
                "evidence_outcomes": [
                    titles[s][1] for s in row["evidence"] if titles.get(s, ("",))[0] == "outcome"
                ],
                "evidence": " ".join(map(str, row["evidence"])),
                "explanation": row["explanation"],
            }
        )
    return out


def uwazi_files(ledger: Ledger, as_of: dt.date | str) -> dict[str, str]:
    r"""The files to write: ``claimants.csv`` and the others, and ``README.md``, by name.

    >>> from assurance_ledger import Ledger
    >>> files = uwazi_files(Ledger(), "2020-06-30")
    >>> sorted(files)
    ['README.md', 'assurances.csv', 'breaches.csv', 'claimants.csv', 'outcomes.csv']
    >>> files["claimants.csv"]
    'title\n'
    """
    tables = uwazi_tables(ledger, as_of)
    files = {f"{name}.csv": tables[name].to_csv() for name in TEMPLATES}
    files["README.md"] = _readme(tables, as_of)
    return files


def _readme(tables: Mapping[str, Table], as_of: dt.date | str) -> str:
    lines = [
        "# Importing this ledger into Uwazi",
        "",
        f"Written by assurance-ledger; breaches and unassured returns as of {as_of}.",
        "",
        "Before importing, create one template per file below, with these properties",
        "(the `title` of each entity is its id in the ledger). Select and multi-select",
        "properties need a thesaurus each; the import adds the values it finds. A",
        "relationship property needs a relationship type and the template it links to.",
        "",
        "Import the files in this order (Settings > Import CSV, choosing the template),",
        "so that every relationship finds the entity it names:",
        "",
    ]
    for i, name in enumerate(TEMPLATES, 1):
        lines.append(f"{i}. `{name}.csv` into the template `{name}`")
    for name in TEMPLATES:
        lines += ["", f"## {name}", "", "| property | type | links to |", "|---|---|---|"]
        lines.append("| title | title | |")
        lines += [f"| {p.name} | {p.type} | {p.content or ''} |" for p in tables[name].properties]
    lines += [
        "",
        "A cell that starts with `'` had one added so that no spreadsheet reads it as a",
        "formula: drop it to read the ledger's true text. Dates are `YYYY-MM-DD` and date",
        "ranges `EARLIEST:LATEST`. Checkpoints and corrections are not exported:",
        "every fact is shown as corrected.",
    ]
    return "\n".join(lines) + "\n"
