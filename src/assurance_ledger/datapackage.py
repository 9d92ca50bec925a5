"""A Frictionless Data Package describing a stats table's CSV, so tools read numbers.

A published count is a whole number or a suppression mark: ``--`` (a small
count, hidden) or ``x`` (hidden to protect another). Read blindly, a column
holding ``--`` is text. The ``datapackage.json`` written beside the CSV
(``stats --format csv --datapackage DIR``) is a Tabular Data Package whose
Table Schema says that every measure is an ``integer`` (0 or more) and that
``--``, ``x`` and an empty cell are ``missingValues``: frictionless, and pandas
told the same (``na_values``), read the counts as integers and the marks as missing.

>>> from assurance_ledger import Ledger
>>> from assurance_ledger.stats import stats
>>> package = datapackage(stats(Ledger(), ["nationality"], as_of="2020-06-30"))
>>> schema = package["resources"][0]["schema"]
>>> schema["missingValues"], [f["type"] for f in schema["fields"]][:3]
(['', '--', 'x'], ['string', 'integer', 'integer'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ._tables import PROTECTING, SUPPRESSED

if TYPE_CHECKING:
    from ._tables import StatsTable

__all__: list[str] = []  # the command line's; see docs/stats.md

#: The file names written into the directory.
CSV_NAME: Final = "stats.csv"
PACKAGE_NAME: Final = "datapackage.json"
#: The cells that stand for no number: the total row's empty groups, and the two marks.
MISSING: Final = ("", SUPPRESSED, PROTECTING)

_MEASURES = {
    "returns": "returned claimants",
    "covered": "returns covered by a given assurance",
    "unassured": "returns covered by no given assurance",
    "returned_to_origin": "claimants removed to their country of origin",
    "removed_to_feared": "claimants removed to a country they fear",
    "removal_ordered": "claimants ordered removed",
    "interim_measure": "claimants for whom an interim measure was indicated",
    "custody_transferred": "claimants whose custody was transferred to another state",
}


def datapackage(table: StatsTable, path: str = CSV_NAME) -> dict[str, Any]:
    """The Data Package (as JSON) of ``table``'s CSV (:meth:`StatsTable.to_csv`) at ``path``."""
    fields: list[dict[str, Any]] = [
        {
            "name": field,
            "type": "string",
            "description": f"the group's {field}; the total row reads Total in the first column",
        }
        for field in table.by
    ]
    fields += [
        {
            "name": measure,
            "type": "integer",
            "description": f"{_MEASURES.get(measure, measure)}, as published: "
            f"{table.suppression.describe()}",
            "constraints": {"minimum": 0},
        }
        for measure in table.measures
    ]
    return {
        "profile": "tabular-data-package",
        "name": "assurance-ledger-stats",
        "description": f"Returns as of {table.as_of.isoformat()}"
        + (f", by {', '.join(table.by)}" if table.by else ""),
        "resources": [
            {
                "name": "stats",
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
                "schema": {"fields": fields, "missingValues": list(MISSING)},
            }
        ],
    }
