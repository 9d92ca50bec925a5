"""One claimant's story as a timeline: for reading in a notebook, or as text.

:func:`timeline` gathers a returned claimant's return, outcomes (as corrected),
the assurances that cover them and the breaches :func:`~.checker.check` finds,
as of one day (it asks the checking engine, :mod:`~.engine`, about this
claimant alone). A :class:`Timeline` draws itself as an inline SVG in notebooks:
the return, detention spans, removals and other outcomes on one row each, the
assurance windows above them, and breaches marked in red. Every string from the
ledger is escaped.
"""

from __future__ import annotations

import datetime as dt
import html

import attrs

from . import records as r
from ._engine import Assurances, assess, evaluation_day, is_returned, rule_table
from .coverage import covers
from .dates import DateSpan
from .display import one_line
from .errors import NotFound
from .ledger import Fact, Ledger
from .report import Breach

__all__ = ["Timeline", "timeline"]

_WIDTH, _LEFT, _ROW = 760, 170, 24


@attrs.frozen(kw_only=True)
class Timeline:
    """A claimant's return, outcomes, covering assurances and breaches, as of a day."""

    claimant: Fact
    outcomes: tuple[Fact, ...]
    assurances: tuple[tuple[Fact, Fact | None], ...]
    breaches: tuple[Breach, ...]
    as_of: dt.date

    @property
    def claimant_id(self) -> str:
        """The claimant's id."""
        return self.claimant.record.claimant_id  # type: ignore[attr-defined, no-any-return]

    def to_text(self) -> str:
        """The timeline in plain text, one line per event."""
        back = self.claimant.record
        assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
        lines = [
            f"{self.claimant_id}: returned by {back.returned_by} to {back.returned_to} on "
            f"{back.on} ({back.crossing}); as of {self.as_of.isoformat()}"
        ]
        for given, withdrawal in self.assurances:
            record = given.record
            assert isinstance(record, r.AssuranceGiven)  # noqa: S101 -- by construction
            ended = f", withdrawn {withdrawal.record.on}" if withdrawal else ""  # type: ignore[attr-defined]
            lines.append(f"  assurance {record.assurance_id}: given {record.on}{ended}")
        for fact in self.outcomes:
            lines.append(f"  {fact.record.on!s:<22} {fact.record.TYPE} (seq {fact.seq})")  # type: ignore[attr-defined]
        for breach in self.breaches:
            lines.append(f"  BREACH [{breach.certainty}] {breach.commitment}: {breach.explanation}")
        # Escaped line by line: the library's own words hold nothing to escape.
        return "\n".join(map(one_line, lines))

    def __str__(self) -> str:
        """The plain-text timeline."""
        return self.to_text()

    def _span(self) -> tuple[dt.date, dt.date]:
        days = [self.claimant.record.on.earliest, self.as_of]  # type: ignore[attr-defined]
        days += [f.record.on.earliest for f in self.outcomes]  # type: ignore[attr-defined]
        days += [g.record.on.earliest for g, _ in self.assurances]  # type: ignore[attr-defined]
        # Two days of margin each side, but never past an end of the calendar
        # (plus_days stops there): a record may be dated 0001-01-01 or 9999-12-31.
        drawn = DateSpan(min(days), max(days))
        return drawn.plus_days(-2).earliest, drawn.plus_days(2).latest

    def to_svg(self) -> str:
        """The timeline as an SVG drawing (a string)."""
        first, last = self._span()
        scale = (_WIDTH - _LEFT - 10) / max((last - first).days, 1)

        def x(day: dt.date) -> float:
            return round(_LEFT + (day - first).days * scale, 1)

        rows: list[str] = []
        shapes: list[str] = []

        def row(label: str) -> float:
            y = 20 + _ROW * len(rows)
            rows.append(label)
            shapes.append(
                f'<text x="4" y="{y + 4}" font-size="11">{html.escape(label)}</text>'
                f'<line x1="{_LEFT}" x2="{_WIDTH - 10}" y1="{y}" y2="{y}" stroke="#ddd"/>'
            )
            return y

        def bar(y: float, span: DateSpan, end: dt.date, colour: str, title: str) -> None:
            shapes.append(
                f'<rect x="{x(span.earliest)}" y="{y - 6}" '
                f'width="{max(x(end) - x(span.earliest), 2)}" height="12" fill="{colour}" '
                f'opacity="0.6"><title>{html.escape(title)}</title></rect>'
            )

        def mark(y: float, span: DateSpan, colour: str, title: str) -> None:
            shapes.append(
                f'<rect x="{x(span.earliest) - 3}" y="{y - 5}" '
                f'width="{max(x(span.latest) - x(span.earliest), 0) + 6}" height="10" '
                f'fill="{colour}"><title>{html.escape(title)}</title></rect>'
            )

        for given, withdrawal in self.assurances:
            record = given.record
            assert isinstance(record, r.AssuranceGiven)  # noqa: S101 -- by construction
            end = withdrawal.record.on.latest if withdrawal else self.as_of  # type: ignore[attr-defined]
            y = row(f"assurance {record.assurance_id}")
            bar(y, record.on, end, "#4a90d9", f"assurance {record.assurance_id} given {record.on}")
        back = self.claimant.record
        y = row("return")
        mark(y, back.on, "#333", f"returned on {back.on}")  # type: ignore[attr-defined]
        detentions = [f for f in self.outcomes if isinstance(f.record, r.Detained)]
        if detentions:
            y = row("detention")
            ends = [
                f.record.on.latest
                for f in self.outcomes
                if isinstance(f.record, r.Released | r.Removed | r.Departed)
            ]
            for fact in detentions:
                start = fact.record.on  # type: ignore[attr-defined]
                end = min((e for e in ends if e >= start.earliest), default=self.as_of)
                bar(y, start, end, "#e0a030", f"detained {start}, until {end.isoformat()}")
        others = [f for f in self.outcomes if not isinstance(f.record, r.Detained | r.Released)]
        for kind in dict.fromkeys(f.record.TYPE for f in others):
            y = row(kind.replace("_", " "))
            for fact in others:
                if kind == fact.record.TYPE:
                    colour = "#c33" if isinstance(fact.record, r.Removed | r.Departed) else "#777"
                    mark(y, fact.record.on, colour, f"{kind} {fact.record.on} (seq {fact.seq})")  # type: ignore[attr-defined]
        if self.breaches:
            y = row("breaches")
            when = {f.seq: f.record.on.latest for f in self.outcomes}  # type: ignore[attr-defined]
            for breach in self.breaches:
                # At the latest outcome it rests on; at as_of when a record is missing.
                day = max((when[s] for s in breach.evidence if s in when), default=self.as_of)
                shapes.append(
                    f'<circle cx="{x(day)}" cy="{y}" r="5" fill="#d00" opacity="0.8">'
                    f"<title>{html.escape(one_line(breach.commitment))} ({breach.certainty}): "
                    f"{html.escape(one_line(breach.explanation))}</title></circle>"
                )
        height = 20 + _ROW * len(rows) + 16
        axis = (
            f'<text x="{_LEFT}" y="{height - 4}" font-size="10">{first.isoformat()}</text>'
            f'<text x="{_WIDTH - 80}" y="{height - 4}" font-size="10">{last.isoformat()}</text>'
            f'<line x1="{x(self.as_of)}" x2="{x(self.as_of)}" y1="8" y2="{height - 14}" '
            f'stroke="#d00" stroke-dasharray="3,3"/>'
        )
        title = html.escape(f"{self.claimant_id} as of {self.as_of.isoformat()}")
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
            f'font-family="sans-serif"><title>{title}</title>{"".join(shapes)}{axis}</svg>'
        )

    def _repr_html_(self) -> str:
        """The SVG, then the events as a list; every string escaped."""
        items = "".join(
            f"<li>{html.escape(line.strip())}</li>" for line in self.to_text().splitlines()[1:]
        )
        head = html.escape(self.to_text().splitlines()[0])
        return f"<p>{head}</p>{self.to_svg()}<ul>{items}</ul>"


def timeline(ledger: Ledger, claimant_id: str, as_of: dt.date | str | DateSpan) -> Timeline:
    """The timeline of one returned claimant in the ledger's current view, as of a day."""
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
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    day = evaluation_day(as_of)
    mine = [
        f for f in facts if isinstance(f.record, r.Outcome) and f.record.claimant_id == claimant_id
    ]
    found: tuple[Breach, ...] = ()
    if is_returned(claimant, day):  # what check() finds for this claimant, and only them
        known = Assurances()
        for fact in facts:
            known.add(fact, day)
        found = assess(known, claimant, mine, day, rule_table(None)).breaches
    outcomes = sorted(
        mine,
        key=lambda f: (f.record.on.earliest, f.seq),  # type: ignore[attr-defined]
    )
    withdrawals = {
        f.record.assurance_id: f for f in facts if isinstance(f.record, r.AssuranceWithdrawn)
    }
    assurances = tuple(
        (f, withdrawals.get(f.record.assurance_id))
        for f in facts
        if isinstance(f.record, r.AssuranceGiven)
        and (f.record.given_by, f.record.given_to) == (back.returned_to, back.returned_by)
        and covers(f.record.scope, back).possible
    )
    return Timeline(
        claimant=claimant,
        outcomes=tuple(outcomes),
        assurances=assurances,
        breaches=tuple(sorted(found, key=lambda b: b.sort_key)),
        as_of=day.earliest,
    )
