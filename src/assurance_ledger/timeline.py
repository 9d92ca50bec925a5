"""One claimant's story as a timeline: for reading in a notebook, or as text.

:func:`timeline` gathers a returned claimant's return, outcomes (as corrected),
the assurances that cover them and the breaches :func:`~.checker.check` finds,
as of one day. It asks the checking engine, :mod:`~._engine`, about this
claimant alone: the covering assurances (each certainly or possibly covering)
and the breaches are the checker's own, never decided again here.

A :class:`Timeline` draws itself as an SVG (:meth:`Timeline.to_svg`, and
``image/svg+xml`` in notebooks): the assurance windows (dashed when they only
may cover the return), the return, detention spans, removals and other
outcomes, one row each, and the breaches, filled when certain and hollow when
possible, with a legend naming both. A date known only to a span is drawn as
that span, from its earliest to its latest day; marks that would overlap in a
row are put side by side in lanes, each still at its own dates. The axis is
ticked at month starts (every few months or years on a long axis). Every
string from the ledger is escaped, and the same timeline gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import attrs

from . import records as r
from ._engine import Assurances, assess, evaluation_day, is_returned, rule_table
from .dates import DateSpan
from .display import one_line
from .errors import NotFound
from .ledger import Fact, Ledger
from .report import BREACH_ORDER, Breach, Certainty, Exposure, UnassuredReturn, bracketed

__all__ = ["CoveringAssurance", "Timeline", "timeline"]

_WIDTH, _LEFT, _ROW, _LANE = 760, 170, 24, 14
_RIGHT = _WIDTH - 24  # room for a month's label centred on the last tick
#: An assurance that may cover the return: an outline, the window of a promise not yet sure to bind.
_MAY_COVER = 'fill="none" stroke="#4a90d9" stroke-dasharray="4,2"'
_BREACH_FILL: dict[Certainty, str] = {"certain": "#d00", "possible": "#fff"}
#: The most ticks an axis gets: every month on a short axis, every few on a longer one.
_TICKS = 8
#: Month steps between ticks, tried in turn (then years of 1, 2 and 5 times 10**k).
_STEPS = (1, 2, 3, 6)


@attrs.frozen(kw_only=True)
class CoveringAssurance:
    """A given assurance that covers a claimant's return, as the checker decides.

    ``certainty`` is ``possible`` when whether it covers the return hinges on
    an imprecise date or an unknown fact (a crossing recorded as ``unknown``).
    """

    given: Fact
    withdrawal: Fact | None
    certainty: Certainty

    @property
    def assurance_id(self) -> str:
        """The assurance's id."""
        return self.given.record.assurance_id  # type: ignore[attr-defined, no-any-return]


@attrs.frozen(kw_only=True)
class Timeline:
    """A claimant's return, outcomes, covering assurances and breaches, as of a day."""

    claimant: Fact
    outcomes: tuple[Fact, ...]
    assurances: tuple[CoveringAssurance, ...]
    breaches: tuple[Breach, ...]
    as_of: dt.date
    #: The claimant as an unassured return (certain or possible), if the checker lists them.
    unassured: UnassuredReturn | None = None
    #: Their removals to a feared country, when unassured (certainly or possibly).
    exposures: tuple[Exposure, ...] = ()

    @property
    def claimant_id(self) -> str:
        """The claimant's id."""
        return self.claimant.record.claimant_id  # type: ignore[attr-defined, no-any-return]

    def breach_date(self, breach: Breach) -> DateSpan:
        """When a breach is placed: the date of the latest outcome it rests on.

        Each bound is the latest of those outcomes' (so an imprecise date stays
        a span); a breach that rests on no outcome is placed at the evaluation date.
        """
        days = [f.record.on for f in self.outcomes if f.seq in breach.evidence]  # type: ignore[attr-defined]
        if not days:
            return DateSpan(self.as_of, self.as_of)
        return DateSpan(max(d.earliest for d in days), max(d.latest for d in days))

    def to_text(self) -> str:
        """The timeline in plain text, one line per event."""
        back = self.claimant.record
        assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
        lines = [
            f"{self.claimant_id}: returned by {back.returned_by} to {back.returned_to} on "
            f"{back.on} ({back.crossing}); as of {self.as_of.isoformat()}"
        ]
        for cover in self.assurances:
            record = cover.given.record
            assert isinstance(record, r.AssuranceGiven)  # noqa: S101 -- by construction
            ended = f", withdrawn {cover.withdrawal.record.on}" if cover.withdrawal else ""  # type: ignore[attr-defined]
            how = "covers" if cover.certainty == "certain" else "may cover"
            lines.append(
                f"  assurance {record.assurance_id}: given {record.on}{ended}; "
                f"{how} the return [{cover.certainty}]"
            )
        for fact in self.outcomes:
            lines.append(f"  {fact.record.on!s:<22} {fact.record.TYPE} (seq {fact.seq})")  # type: ignore[attr-defined]
        for breach in self.breaches:
            lines.append(
                f"  BREACH {bracketed(breach.certainty, breach.reasons)} {breach.commitment} on "
                f"{self.breach_date(breach)}: {breach.explanation}"
            )
        if self.unassured is not None:
            u = self.unassured
            lines.append(f"  UNASSURED {bracketed(u.certainty, u.reasons)}")
        for e in self.exposures:
            lines.append(f"  EXPOSURE {bracketed(e.certainty, e.reasons)}: {e.explanation}")
        # Escaped line by line: the library's own words hold nothing to escape.
        return "\n".join(map(one_line, lines))

    def __str__(self) -> str:
        """The plain-text timeline."""
        return self.to_text()

    def _span(self) -> tuple[dt.date, dt.date]:
        spans: list[DateSpan] = [self.claimant.record.on]  # type: ignore[attr-defined]
        spans += [f.record.on for f in self.outcomes]  # type: ignore[attr-defined]
        spans += [c.withdrawal.record.on for c in self.assurances if c.withdrawal]  # type: ignore[attr-defined]
        days = [self.as_of]
        days += [s.earliest for s in spans] + [s.latest for s in spans]
        # An assurance's giving date may be known only to "2020-03-21 or later":
        # its bar starts at the earliest, and its latest would stretch the axis.
        days += [c.given.record.on.earliest for c in self.assurances]  # type: ignore[attr-defined]
        # Two days of margin each side, but never past an end of the calendar
        # (plus_days stops there): a record may be dated 0001-01-01 or 9999-12-31.
        drawn = DateSpan(min(days), max(days))
        return drawn.plus_days(-2).earliest, drawn.plus_days(2).latest

    def to_svg(self) -> str:
        """The timeline as an SVG drawing (a string)."""
        first, last = self._span()
        scale = (_RIGHT - _LEFT) / max((last - first).days, 1)

        def x(day: dt.date) -> float:
            return round(_LEFT + (day - first).days * scale, 1)

        drawing = _Drawing()
        for cover in self.assurances:
            record = cover.given.record
            assert isinstance(record, r.AssuranceGiven)  # noqa: S101 -- by construction
            end = cover.withdrawal.record.on.latest if cover.withdrawal else self.as_of  # type: ignore[attr-defined]
            start = x(record.on.earliest)
            width = max(x(end) - start, 2)
            how = "covers" if cover.certainty == "certain" else "may cover"
            # A possible cover is drawn as an outline: the window, not a fact.
            style = 'fill="#4a90d9" opacity="0.6"' if cover.certainty == "certain" else _MAY_COVER
            title = f"assurance {record.assurance_id} given {record.on}: {how} the return"
            drawing.row(
                f"assurance {record.assurance_id}",
                [_Mark(start, start + width, _rect(width, 12, style, title))],
            )
        back = self.claimant.record
        drawing.row("return", [_span_mark(x, back.on, 'fill="#333"', f"returned on {back.on}")])  # type: ignore[attr-defined]
        ends = [
            f.record.on.latest
            for f in self.outcomes
            if isinstance(f.record, r.Released | r.Removed | r.Departed | r.CustodyTransferred)
        ]
        spans = []
        for fact in self.outcomes:
            if isinstance(fact.record, r.Detained):
                start_on = fact.record.on
                end = min((e for e in ends if e >= start_on.earliest), default=self.as_of)
                left = x(start_on.earliest)
                width = max(x(end) - left, 2)
                title = f"detained {start_on}, until {end.isoformat()}"
                spans.append(
                    _Mark(
                        left, left + width, _rect(width, 12, 'fill="#e0a030" opacity="0.6"', title)
                    )
                )
        if spans:
            drawing.row("detention", spans)
        others = [f for f in self.outcomes if not isinstance(f.record, r.Detained | r.Released)]
        for kind in dict.fromkeys(f.record.TYPE for f in others):
            marks = []
            for fact in others:
                if kind == fact.record.TYPE:
                    moved = isinstance(fact.record, r.Removed | r.Departed | r.CustodyTransferred)
                    colour = "#c33" if moved else "#777"
                    on = fact.record.on  # type: ignore[attr-defined]
                    title = f"{kind} {on} (seq {fact.seq})"
                    marks.append(_span_mark(x, on, f'fill="{colour}"', title))
            drawing.row(kind.replace("_", " "), marks)
        if self.breaches:
            marks = []
            for breach in self.breaches:
                on = self.breach_date(breach)
                why = bracketed(breach.certainty, breach.reasons)
                title = f"{breach.commitment} {why}, {on}: {breach.explanation}"
                marks.append(
                    _breach_mark(x(on.earliest) - 5, x(on.latest) + 5, breach.certainty, title)
                )
            drawing.row("breaches", marks)
        return drawing.svg(
            title=f"{self.claimant_id} as of {self.as_of.isoformat()}",
            axis=_axis(first, last, x),
            as_of=x(self.as_of),
        )

    def _repr_svg_(self) -> str:
        """The drawing, for notebooks that show ``image/svg+xml``."""
        return self.to_svg()

    def _repr_html_(self) -> str:
        """The SVG, then the events as a list; every string escaped."""
        items = "".join(
            f"<li>{html.escape(line.strip())}</li>" for line in self.to_text().splitlines()[1:]
        )
        head = html.escape(self.to_text().splitlines()[0])
        return f"<p>{head}</p>{self.to_svg()}<ul>{items}</ul>"


@attrs.frozen
class _Mark:
    """One shape of a row: where it starts and ends across, and how to draw it at a height."""

    left: float
    right: float
    draw: Callable[[float, float], str]  # (left, middle of its lane) -> SVG


def _rect(width: float, height: int, style: str, title: str) -> Callable[[float, float], str]:
    def draw(left: float, y: float) -> str:
        return (
            f'<rect x="{left}" y="{y - height / 2}" width="{round(width, 1)}" height="{height}" '
            f"{style}><title>{html.escape(one_line(title))}</title></rect>"
        )

    return draw


def _span_mark(x: Callable[[dt.date], float], on: DateSpan, style: str, title: str) -> _Mark:
    """A mark from a date's earliest to its latest day (3 pixels wider each side)."""
    left, right = x(on.earliest) - 3, x(on.latest) + 3
    return _Mark(left, right, _rect(round(right - left, 1), 10, style, title))


def _breach_mark(left: float, right: float, certainty: Certainty, title: str) -> _Mark:
    """A breach: a round mark (a bar, for a span of days), filled if certain, hollow if possible."""
    width = round(right - left, 1)
    style = (
        f'class="breach {certainty}" rx="5" fill="{_BREACH_FILL[certainty]}" '
        f'stroke="#d00" stroke-width="2"'
    )
    return _Mark(left, right, _rect(width, 10, style, title))


@attrs.define
class _Drawing:
    """The rows of a drawing as they are added, each with its marks in lanes."""

    shapes: list[str] = attrs.Factory(list)
    height: float = 20

    def row(self, label: str, marks: list[_Mark]) -> None:
        """Add a row; marks that would overlap go to the next free lane below."""
        y = self.height
        self.shapes.append(
            f'<text x="4" y="{y + 4}" font-size="11">{html.escape(one_line(label))}</text>'
            f'<line x1="{_LEFT}" x2="{_RIGHT}" y1="{y}" y2="{y}" stroke="#ddd"/>'
        )
        lanes: list[float] = []  # the right end of each lane's last mark
        for mark in sorted(marks, key=lambda m: (m.left, m.right)):
            lane = next((i for i, end in enumerate(lanes) if end + 1 <= mark.left), len(lanes))
            if lane == len(lanes):
                lanes.append(mark.right)
            lanes[lane] = mark.right
            self.shapes.append(mark.draw(mark.left, y + lane * _LANE))
        self.height += _ROW + _LANE * max(len(lanes) - 1, 0)

    def svg(self, *, title: str, axis: Callable[[float], str], as_of: float) -> str:
        """The whole drawing: the rows, the axis, the evaluation date and the legend."""
        base = self.height
        legend_y = base + 34
        legend = (
            f'<g class="legend" font-size="10">'
            f'<rect class="breach certain" x="6" y="{legend_y - 5}" width="10" height="10" '
            f'rx="5" fill="{_BREACH_FILL["certain"]}" stroke="#d00" stroke-width="2"/>'
            f'<text x="20" y="{legend_y + 4}">certain breach</text>'
            f'<rect class="breach possible" x="114" y="{legend_y - 5}" width="10" height="10" '
            f'rx="5" fill="{_BREACH_FILL["possible"]}" stroke="#d00" stroke-width="2"/>'
            f'<text x="128" y="{legend_y + 4}">possible breach</text>'
            f'<rect x="234" y="{legend_y - 5}" width="20" height="10" {_MAY_COVER}/>'
            f'<text x="258" y="{legend_y + 4}">assurance that may cover the return</text>'
            f'<rect x="454" y="{legend_y - 5}" width="30" height="10" fill="#777"/>'
            f'<text x="488" y="{legend_y + 4}">a date known only to a span</text></g>'
        )
        height = legend_y + 12
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
            f'font-family="sans-serif"><title>{html.escape(one_line(title))}</title>'
            f"{''.join(self.shapes)}{axis(base)}"
            f'<line x1="{as_of}" x2="{as_of}" y1="8" y2="{base}" stroke="#d00" '
            f'stroke-dasharray="3,3"/>{legend}</svg>'
        )


def _month_step(months: int) -> int:
    """The months between ticks, so that an axis of ``months`` months has few enough."""
    for step in _STEPS:
        if months // step <= _TICKS:
            return step
    years = 1
    while True:
        for times in (1, 2, 5):
            if months // (12 * years * times) <= _TICKS:
                return 12 * years * times
        years *= 10


def _axis(first: dt.date, last: dt.date, x: Callable[[dt.date], float]) -> Callable[[float], str]:
    """The axis: its two end dates, and ticks at month starts (at year starts when long)."""
    start = first.year * 12 + first.month - 1  # months since year 0, month 0 = January
    end = last.year * 12 + last.month - 1
    step = _month_step(end - start + 1)

    def draw(y: float) -> str:
        shapes = [
            f'<line x1="{_LEFT}" x2="{_RIGHT}" y1="{y}" y2="{y}" stroke="#999"/>',
            f'<text x="{_LEFT}" y="{y + 24}" font-size="10">{first.isoformat()}</text>',
            f'<text x="{_RIGHT}" y="{y + 24}" font-size="10" text-anchor="end">'
            f"{last.isoformat()}</text>",
        ]
        month = -(-start // step) * step  # the first multiple of the step from the start
        while month <= end:
            day = dt.date(month // 12, month % 12 + 1, 1)
            if first <= day <= last:
                at = x(day)
                label = day.strftime("%Y-%m") if step < 12 else f"{day.year:04d}"
                shapes.append(
                    f'<line class="tick" x1="{at}" x2="{at}" y1="{y}" y2="{y + 4}" stroke="#999"/>'
                    f'<text class="tick" x="{at}" y="{y + 13}" font-size="9" '
                    f'text-anchor="middle">{label}</text>'
                )
            month += step
        return "".join(shapes)

    return draw


def timeline(ledger: Ledger, claimant_id: str, as_of: dt.date | str | DateSpan) -> Timeline:
    """The timeline of one returned claimant in the ledger's current view, as of a day.

    Its assurances are those the checker finds may cover the return as of that
    day (none when the return is not yet a fact), each with how surely.
    """
    facts = ledger.facts()
    claimant = next(
        (
            f
            for f in facts
            if isinstance(f.record, r.ClaimantReturned) and f.record.claimant_id == claimant_id
        ),
        None,
    )
    if claimant is None:
        raise NotFound(f"no returned claimant {claimant_id!r} in the ledger")
    day = evaluation_day(as_of)
    mine = [
        f for f in facts if isinstance(f.record, r.Outcome) and f.record.claimant_id == claimant_id
    ]
    found: tuple[Breach, ...] = ()
    covering: tuple[CoveringAssurance, ...] = ()
    unassured: UnassuredReturn | None = None
    exposures: tuple[Exposure, ...] = ()
    if is_returned(claimant, day):  # what check() finds for this claimant, and only them
        known = Assurances()
        for fact in facts:
            known.add(fact, day)
        assessment = assess(known, claimant, mine, day, rule_table(None))
        found = assessment.breaches
        unassured, exposures = assessment.unassured, assessment.exposures
        covering = tuple(
            CoveringAssurance(
                given=cover.gate.fact,
                withdrawal=cover.withdrawal,
                certainty="certain" if cover.coverage.certain else "possible",
            )
            for cover in assessment.covering
        )
    outcomes = sorted(
        mine,
        key=lambda f: (f.record.on.earliest, f.seq),  # type: ignore[attr-defined]
    )
    return Timeline(
        claimant=claimant,
        outcomes=tuple(outcomes),
        assurances=covering,
        breaches=tuple(sorted(found, key=BREACH_ORDER)),
        as_of=day.earliest,
        unassured=unassured,
        exposures=tuple(sorted(exposures, key=lambda e: e.evidence)),
    )
