"""The notebook tour runs, and notebook renderings escape what the ledger holds."""

import datetime as dt
from pathlib import Path

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbclient import NotebookClient

from assurance_ledger import ClaimantReturned, Detained, Ledger, Removed, check, timeline
from assurance_ledger.strategies import ledgers, ledgers_with_breaches

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"


# jupyter_client and its dependencies emit deprecation warnings of their own on
# newer Pythons; they are not ours, and the notebook's errors still fail the test.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_tour_executes_without_error(tmp_path: Path) -> None:
    """Rule: docs/notebooks/tour.ipynb runs top to bottom in a real Jupyter kernel."""
    notebook = nbformat.read(ROOT / "docs" / "notebooks" / "tour.ipynb", as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError on any error in any cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<svg" in h for h in html)  # the timeline drew itself
    assert any("c-003" in h for h in html)


def _hostile_ledger() -> Ledger:
    ledger = Ledger()
    ledger.extend(
        [
            ClaimantReturned(
                claimant_id=HOSTILE,
                on="2020-03-22",
                returned_by="CA",
                returned_to="US",
                nationalities=["HT"],
            ),
            Detained(outcome_id=f"o-{HOSTILE}", claimant_id=HOSTILE, on="2020-03-22", by="US"),
            Removed(outcome_id="o&\"'", claimant_id=HOSTILE, on="2020-04-01", by="US", to="HT"),
        ],
        recorded_by="CA",
        recorded_at="2020-04-02T00:00:00Z",
    )
    return ledger


def test_timeline_and_ledger_html_escape_user_strings() -> None:
    """Rule: every string from the ledger is escaped in notebook HTML and SVG."""
    ledger = _hostile_ledger()
    rendered = [
        timeline(ledger, HOSTILE, "2020-06-30")._repr_html_(),
        timeline(ledger, HOSTILE, "2020-06-30").to_svg(),
        ledger._repr_html_(),
        check(ledger, "2020-06-30")._repr_html_(),
    ]
    for html in rendered:
        assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered[0]


def test_timeline_of_an_unknown_claimant_is_a_ledger_error() -> None:
    """Rule: asking for a claimant the ledger does not hold is a clear LedgerError."""
    from assurance_ledger import LedgerError  # noqa: PLC0415 -- only here

    with pytest.raises(LedgerError, match="no returned claimant"):
        timeline(_hostile_ledger(), "c-404", "2020-06-30")


@given(
    ledger=ledgers(max_size=40) | ledgers_with_breaches().map(lambda s: s.ledger),
    as_of=st.dates(dt.date(2019, 6, 1), dt.date(2021, 12, 31)),
)
def test_a_timeline_shows_the_breaches_check_finds_for_its_claimant(
    ledger: Ledger, as_of: dt.date
) -> None:
    """Rule: a claimant's timeline holds exactly check()'s breaches of that claimant, in order."""
    report = check(ledger, as_of)
    for fact in ledger.facts():
        if isinstance(fact.record, ClaimantReturned):
            cid = fact.record.claimant_id
            shown = timeline(ledger, cid, as_of)
            assert shown.breaches == tuple(b for b in report.breaches if b.claimant_id == cid)
            assert shown.as_of == report.as_of
