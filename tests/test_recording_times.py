"""Recording times in the future (issue 18, defect 10).

Recording times never go back, so one far in the future would be copied onto
every later entry. An append is refused when its time is more than
``MAX_CLOCK_SKEW`` (a day) ahead of the ledger's clock; a stored ledger that
already holds such times still opens byte for byte, and ``verify`` warns about
them (``Verification.future_entries``, ``first_future``, ``warning``).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _cli_helpers import installed_command
from assurance_ledger import ClaimantReturned, InvalidRecord, Ledger, format_time
from assurance_ledger.clock import MAX_CLOCK_SKEW, latest_time, next_time

UTC = dt.timezone.utc
NOW = dt.datetime(2020, 7, 1, 12, tzinfo=UTC)
FAR = "9999-12-31T23:59:59.999999Z"
MICROSECOND = dt.timedelta(microseconds=1)


def clock_at(moment: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that always reads ``moment``."""
    return lambda: moment


def returned(number: int) -> ClaimantReturned:
    """Claimant c-<number>, returned by Canada to the United States."""
    return ClaimantReturned(
        claimant_id=f"c-{number}",
        on="2020-03-22",
        returned_by="CA",
        returned_to="US",
        nationalities=["HT"],
    )


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, run in ``cwd``."""
    return subprocess.run(
        [*installed_command(), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
def test_the_command_refuses_a_recording_time_in_year_9999_and_changes_nothing(
    suffix: str, tmp_path: Path
) -> None:
    """Rule: ``append --recorded-at 9999-12-31T23:59:59.999999Z`` exits 2 naming recorded_at.

    One message, no traceback, and the ledger is byte-identical afterwards; a
    later append at the default time (now) is then accepted and stamped now,
    not 9999.
    """
    ledger = f"ledger{suffix}"
    (tmp_path / "records.jsonl").write_text(
        '{"type": "claimant_returned", "claimant_id": "c-1", "on": "2020-03-22",'
        ' "returned_by": "CA", "returned_to": "US", "nationalities": ["HT"]}\n',
        encoding="utf-8",
    )
    assert run("init", ledger, cwd=tmp_path).returncode == 0
    before = (tmp_path / ledger).read_bytes()
    done = run(
        "append", ledger, "records.jsonl", "--recorded-by", "CA", "--recorded-at", FAR, cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert "recorded_at: expected a time at most 24 hours ahead of the clock" in done.stderr
    assert f"got {FAR}" in done.stderr
    assert (tmp_path / ledger).read_bytes() == before
    start = format_time(dt.datetime.now(UTC))
    assert (
        run("append", ledger, "records.jsonl", "--recorded-by", "CA", cwd=tmp_path).returncode == 0
    )
    with Ledger.open(tmp_path / ledger) as reopened:
        assert start <= reopened.entry(1).recorded_at <= format_time(dt.datetime.now(UTC))


@given(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)))
def test_a_time_is_accepted_exactly_up_to_a_day_ahead_of_the_clock(now: dt.datetime) -> None:
    """Rule: a recording time up to MAX_CLOCK_SKEW ahead of the clock is accepted; later, refused.

    For any clock time: now plus the allowance is appended; one microsecond
    more is refused with an InvalidRecord naming recorded_at and the latest
    time allowed, and nothing is appended.
    """
    now = now.replace(tzinfo=UTC)
    ledger = Ledger(clock=clock_at(now))
    latest = format_time(now + MAX_CLOCK_SKEW)
    assert latest_time(now) == latest
    with pytest.raises(InvalidRecord) as info:
        ledger.append(returned(1), recorded_by="CA", recorded_at=now + MAX_CLOCK_SKEW + MICROSECOND)
    assert info.value.field == "recorded_at"
    assert f"not after {latest}" in info.value.expected
    assert len(ledger) == 0
    entry = ledger.append(returned(1), recorded_by="CA", recorded_at=now + MAX_CLOCK_SKEW)
    assert entry.recorded_at == latest


def test_a_clock_at_the_end_of_the_calendar_accepts_every_time() -> None:
    """Rule: within a day of 9999-12-31 the allowance stops at the calendar's end, without error."""
    now = dt.datetime.max.replace(tzinfo=UTC) - dt.timedelta(hours=1)
    assert latest_time(now) == FAR
    ledger = Ledger(clock=clock_at(now))
    assert ledger.append(returned(1), recorded_by="CA", recorded_at=FAR).recorded_at == FAR


def test_after_a_stored_future_entry_the_default_time_is_refused_not_copied(
    tmp_path: Path,
) -> None:
    """Rule: an entry recorded far ahead (by an older version, or another state) is not copied.

    The ledger opens, but an append at the default time, which could only be
    stamped with that future time (times never go back), is refused naming
    recorded_at and the last entry; the file is unchanged.
    """
    path = tmp_path / "ledger.jsonl"
    with Ledger.open(path, create=True, clock=clock_at(dt.datetime.max.replace(tzinfo=UTC))) as old:
        old.append(returned(1), recorded_by="CA", recorded_at=FAR)
    before = path.read_bytes()
    with Ledger.open(path, clock=clock_at(NOW)) as ledger:
        with pytest.raises(InvalidRecord) as info:
            ledger.append(returned(2), recorded_by="CA")
        assert len(ledger) == 1
    assert info.value.field == "recorded_at"
    assert "the last entry, seq 1, was recorded after that" in info.value.expected
    assert info.value.got == FAR
    assert path.read_bytes() == before


def test_the_default_time_follows_a_last_entry_within_the_allowance() -> None:
    """Rule: when the last entry is ahead of the clock by less than a day, now is stamped as it."""
    ledger = Ledger(clock=clock_at(NOW))
    ahead = format_time(NOW + dt.timedelta(hours=23))
    ledger.append(returned(1), recorded_by="CA", recorded_at=ahead)
    assert ledger.append(returned(2), recorded_by="CA").recorded_at == ahead
    assert ledger.append(returned(3), recorded_by="CA", recorded_at=ahead).recorded_at == ahead


def test_next_time_refuses_going_back_before_looking_at_the_clock() -> None:
    """Rule: a time asked for before the last entry's is refused as going back, naming its seq."""
    with pytest.raises(InvalidRecord) as info:
        next_time("2020-01-01T00:00:00.000000Z", "2020-02-01T00:00:00.000000Z", seq=8, now=NOW)
    assert (
        info.value.expected
        == "a time on or after the last entry's (2020-02-01T00:00:00.000000Z, seq 7)"
    )


def _future_ledger(path: Path) -> bytes:
    """A stored ledger of four entries, the last two recorded in 9999; its bytes."""
    with Ledger.open(path, create=True, clock=clock_at(dt.datetime.max.replace(tzinfo=UTC))) as led:
        led.append(returned(1), recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
        led.append(returned(2), recorded_by="CA", recorded_at=NOW + MAX_CLOCK_SKEW)
        led.append(returned(3), recorded_by="CA", recorded_at="9999-01-01T00:00:00Z")
        led.append(returned(4), recorded_by="CA", recorded_at=FAR)
    return path.read_bytes()


def test_a_stored_ledger_with_future_entries_opens_and_its_verification_counts_them(
    tmp_path: Path,
) -> None:
    """Rule: future entries are a warning on the verification, not a broken chain.

    The ledger opens byte for byte; ``verify()`` is ok, with ``future_entries``
    (entries more than a day ahead of the ledger's clock: not the one exactly a
    day ahead) and ``first_future``, and ``str()`` and ``warning`` say how many
    and where the first is. A ledger without them has no warning.
    """
    path = tmp_path / "ledger.jsonl"
    data = _future_ledger(path)
    with Ledger.open(path, clock=clock_at(NOW)) as ledger:
        assert b"".join(line + b"\n" for line in ledger.lines()) == data
        result = ledger.verify()
        early = ledger.as_recorded("2020-07-01T00:00:00Z").verify()
    assert result.ok
    assert (result.entries, result.future_entries, result.first_future) == (4, 2, 3)
    assert result.warning == (
        "2 entries were recorded in the future, more than 24 hours ahead of the clock "
        "(the first at seq 3)"
    )
    assert str(result).endswith(f"; warning: {result.warning}")
    assert (early.ok, early.future_entries, early.first_future, early.warning) == (
        True,
        0,
        None,
        None,
    )
    assert "warning" not in str(early)


def test_the_command_verify_warns_about_future_entries_and_exits_0(tmp_path: Path) -> None:
    """Rule: ``assurance-ledger verify`` of a received ledger with future entries warns, exit 0.

    The warning is one line on standard error, with how many entries and the
    first seq; the verified line is on standard output; the file is unchanged.
    """
    data = _future_ledger(tmp_path / "ledger.jsonl")
    done = run("verify", "ledger.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ledger.jsonl: verified: 4 entries, head ")
    assert done.stderr == (
        "assurance-ledger: warning: ledger.jsonl: 2 entries were recorded in the future, "
        "more than 24 hours ahead of the clock (the first at seq 3)\n"
    )
    assert (tmp_path / "ledger.jsonl").read_bytes() == data
