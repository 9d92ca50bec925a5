"""The timeline drawing: breaches told apart, a legend, month ticks, no overlaps, spans as spans.

Scenarios from docs/format.md: the bundled example (Canada and the United States,
March 2020), where c-001 has two breaches resting on one visit, c-002 a removal
known only to "April 2020", and c-003 a return dated "2020-03" that an
assurance of scope from 21 March only maybe covers.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from importlib.resources import as_file, files

import pytest

from assurance_ledger import (
    AssuranceGiven,
    AssuranceWithdrawn,
    ClaimantReturned,
    DetentionLimit,
    Ledger,
    Scope,
    check,
    timeline,
)

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = "2020-06-30"


@pytest.fixture(scope="module")
def example() -> Ledger:
    """The bundled example as a ledger."""
    with as_file(files("assurance_ledger").joinpath("data/canada-us-2020.jsonl")) as path:
        ledger = Ledger()
        ledger.append_file(path, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
    return ledger


def _markers(svg: ET.Element, certainty: str | None = None) -> list[ET.Element]:
    """The breach markers drawn in the rows (not the legend's samples)."""
    legend = {id(e) for g in svg.iter(f"{SVG}g") if g.get("class") == "legend" for e in g.iter()}
    return [
        e
        for e in svg.iter(f"{SVG}rect")
        if id(e) not in legend
        and (e.get("class") or "").startswith("breach")
        and (certainty is None or e.get("class") == f"breach {certainty}")
    ]


def _parse(text: str) -> ET.Element:
    """The drawing as XML (the package's own output, not untrusted input)."""
    return ET.fromstring(text)  # noqa: S314 -- our own SVG


def _box(e: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(e.get("x", 0)), float(e.get("y", 0))
    return x, y, x + float(e.get("width", 0)), y + float(e.get("height", 0))


def _ticks(svg: ET.Element) -> dict[str, float]:
    """The axis ticks' labels, each with its position across."""
    return {
        t.text or "": float(t.get("x", 0))
        for t in svg.iter(f"{SVG}text")
        if t.get("class") == "tick"
    }


def test_certain_and_possible_breaches_differ_and_a_legend_names_both(example: Ledger) -> None:
    """Rule: certain breaches are filled and possible ones hollow, as the legend shows.

    c-002's removal to a feared country is certain; its missing admission is
    only possible (docs/format.md: a deadline passed with nothing recorded).
    """
    svg = _parse(timeline(example, "c-002", AS_OF).to_svg())
    certain, possible = _markers(svg, "certain"), _markers(svg, "possible")
    assert certain
    assert possible
    assert {e.get("fill") for e in certain}.isdisjoint({e.get("fill") for e in possible})
    (legend,) = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "legend"]
    words = " ".join(t.text or "" for t in legend.iter(f"{SVG}text"))
    assert "certain breach" in words
    assert "possible breach" in words
    samples = {e.get("class"): e.get("fill") for e in legend.iter(f"{SVG}rect")}
    assert samples["breach certain"] == certain[0].get("fill")
    assert samples["breach possible"] == possible[0].get("fill")


def test_two_breaches_on_one_day_do_not_overlap(example: Ledger) -> None:
    """Rule: marks on the same day are drawn side by side, never one on the other.

    c-001's one monitoring visit (2020-05-01) is both late and not private:
    two breaches of one day.
    """
    story = timeline(example, "c-001", AS_OF)
    days = [story.breach_date(b) for b in story.breaches]
    assert len(days) != len(set(days))  # the scenario holds two on one day
    boxes = [_box(e) for e in _markers(_parse(story.to_svg()))]
    assert len(boxes) == len(story.breaches)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


def test_an_imprecise_date_is_drawn_as_its_span(example: Ledger) -> None:
    """Rule: a breach resting on a date known only to a month is a bar across that month.

    c-002 was removed to VE "in April 2020": the non-refoulement breach spans
    from the 1 April tick to (nearly) the 1 May tick, not a point.
    """
    story = timeline(example, "c-002", AS_OF)
    svg = _parse(story.to_svg())
    ticks = _ticks(svg)
    april, may = ticks["2020-04"], ticks["2020-05"]
    (refoulement,) = [b for b in story.breaches if b.commitment == "non_refoulement"]
    assert str(story.breach_date(refoulement)) == "2020-04"
    (mark,) = [e for e in _markers(svg) if "non_refoulement" in (e.findtext(f"{SVG}title") or "")]
    left, _, right, _ = _box(mark)
    assert left <= april
    assert right >= april + 0.9 * (may - april)
    exact = [e for e in _markers(svg) if "], 2020-06-30:" in (e.findtext(f"{SVG}title") or "")]
    assert exact
    assert all(_box(e)[2] - _box(e)[0] < (right - left) / 5 for e in exact)


def test_the_axis_is_ticked_at_month_starts(example: Ledger) -> None:
    """Rule: the axis has a tick at each month start it spans, in order, not only its two ends."""
    svg = _parse(timeline(example, "c-003", AS_OF).to_svg())
    ticks = _ticks(svg)
    assert list(ticks) == ["2020-03", "2020-04", "2020-05", "2020-06", "2020-07"]
    assert list(ticks.values()) == sorted(ticks.values())


def test_a_long_axis_keeps_few_ticks() -> None:
    """Rule: an axis of many years is ticked at year starts, a handful at most (and stays small)."""
    ledger = Ledger()
    ledger.append(
        ClaimantReturned(
            claimant_id="c-1",
            on="0001-01-05",
            returned_by="CA",
            returned_to="US",
            nationalities=["HT"],
        ),
        recorded_by="CA",
        recorded_at="2020-07-01T00:00:00Z",
    )
    svg_text = timeline(ledger, "c-1", "9999-12-01").to_svg()
    ticks = _ticks(_parse(svg_text))
    assert 2 <= len(ticks) <= 9
    assert all(len(label) == 4 for label in ticks)  # years, not months
    assert len(svg_text) < 10_000


def test_the_drawing_is_deterministic_and_given_to_notebooks_as_svg(example: Ledger) -> None:
    """Rule: the same timeline gives the same bytes, and notebooks get it as image/svg+xml."""
    one = timeline(example, "c-003", AS_OF)
    again = timeline(example, "c-003", dt.date(2020, 6, 30))
    assert one.to_svg() == again.to_svg()
    assert one._repr_svg_() == one.to_svg()
    assert _parse(one._repr_svg_()).tag == f"{SVG}svg"


def test_covering_assurances_are_the_checkers_with_their_certainty(example: Ledger) -> None:
    """Rule: a timeline lists the assurances that cover the return, certainly or possibly.

    c-001 (returned 2020-03-22) is certainly covered by the scope from 21
    March; c-003 (returned "2020-03") only maybe; c-004, returned by air,
    is covered by none (the scope names land crossings). The checker lists
    c-003 as unassured, possible, and c-004 as unassured, certain.
    """
    certainty = {
        cid: [(c.assurance_id, c.certainty) for c in timeline(example, cid, AS_OF).assurances]
        for cid in ("c-001", "c-003", "c-004")
    }
    assert certainty == {
        "c-001": [("a-ca-us-2020", "certain")],
        "c-003": [("a-ca-us-2020", "possible")],
        "c-004": [],
    }
    assert [(u.claimant_id, u.certainty) for u in check(example, AS_OF).unassured_returns] == [
        ("c-003", "possible"),
        ("c-004", "certain"),
    ]


def test_a_withdrawn_assurance_does_not_cover_a_later_return() -> None:
    """Rule: a withdrawal stops an assurance covering returns after it; the timeline says so."""
    ledger = Ledger()
    ledger.extend(
        [
            AssuranceGiven(
                assurance_id="a-1",
                on="2020-03-01",
                given_by="US",
                given_to="CA",
                form="diplomatic_note",
                scope=Scope(),
                commitments=(DetentionLimit(max_days=14),),
            ),
            AssuranceWithdrawn(assurance_id="a-1", on="2020-03-10"),
            ClaimantReturned(
                claimant_id="c-1",
                on="2020-03-20",
                returned_by="CA",
                returned_to="US",
                nationalities=["HT"],
            ),
        ],
        recorded_by="CA",
        recorded_at="2020-07-01T00:00:00Z",
    )
    assert timeline(ledger, "c-1", AS_OF).assurances == ()
