"""The quick way of reading a stored record (``Codec.from_canonical``) against the full way.

The full way is :meth:`Codec.from_json` of the parsed text, then a comparison of
the text with the record's canonical bytes: it decides what a valid stored
record is. The quick way must agree with it wherever it answers, and answer
for every plain record, or stored ledgers would open slowly.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assurance_ledger import DEFAULT_CODEC, RECORD_TYPES, InvalidRecord, Record, canonical_json
from assurance_ledger._plain import PlainReader
from assurance_ledger.dates import DateSpan
from assurance_ledger.errors import InvalidRecords
from assurance_ledger.strategies import RECORD_STRATEGIES

any_record = st.sampled_from(sorted(RECORD_TYPES)).flatmap(RECORD_STRATEGIES.__getitem__)


def _plain_text(text: str) -> bool:
    """A string the canonical encoder writes as itself between quotes."""
    return json.dumps(text, ensure_ascii=False) == f'"{text}"'


def _is_plain(as_json: dict[str, Any]) -> bool:
    """Plain, as defined independently of the reader: flat, no null, nothing escaped."""
    for value in as_json.values():
        if isinstance(value, list):
            if not all(isinstance(item, str) and _plain_text(item) for item in value):
                return False
        elif isinstance(value, str):
            if not _plain_text(value):
                return False
        elif not isinstance(value, bool | int):
            return False  # an object (a source, a scope, a date range...), a null
    return True


def _full_way(text: str) -> Record | None:
    """What reading ``text`` as a stored record the full way gives (None: refused)."""
    try:
        record = DEFAULT_CODEC.from_json(json.loads(text))
    except (InvalidRecord, InvalidRecords, ValueError):
        return None
    return record if DEFAULT_CODEC.dumps(record) == text.encode("utf-8") else None


@given(any_record)
def test_every_plain_record_is_read_quickly_and_equal(record: Record) -> None:
    """Rule: the quick way reads exactly the plain records, each equal to the full way's."""
    as_json = DEFAULT_CODEC.to_json(record)
    text = canonical_json(as_json).decode("utf-8")
    quick = DEFAULT_CODEC.from_canonical(text)
    if _is_plain(as_json):
        assert quick == record
        assert type(quick) is type(record)
        assert DEFAULT_CODEC.dumps(quick) == text.encode("utf-8")
    else:
        assert quick is None


_EDITS = st.sampled_from(
    [" ", ",", '"', "\\", ":", "{", "}", "[", "]", "true", "false", "null", "0", "1",
     "-", "é", "\x7f", "\n", '"US"', '""', '"x"', "2020", "-02", '"2020-02-30"']
)  # fmt: skip


@given(any_record, st.data())
def test_an_edited_record_is_refused_or_read_as_the_full_way_reads_it(
    record: Record, data: st.DataObject
) -> None:
    """Rule: on any text, the quick way gives None or the very record the full way gives."""
    text = DEFAULT_CODEC.dumps(record).decode("utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 12)))
        text = text[:start] + data.draw(_EDITS | st.just("")) + text[end:]
    quick = DEFAULT_CODEC.from_canonical(text)
    if quick is not None:
        assert quick == _full_way(text)


@pytest.mark.parametrize(
    "text",
    [
        # A value equal to its default is left out of the canonical form.
        '{"claimant_id":"c","minor":false,"nationalities":["HT"],"on":"2020-03-01",'
        '"returned_by":"CA","returned_to":"US","type":"claimant_returned"}',
        '{"claimant_id":"c","grounds":[],"nationalities":["HT"],"on":"2020-03-01",'
        '"returned_by":"CA","returned_to":"US","type":"claimant_returned"}',
        '{"claimant_id":"c","crossing":"unknown","nationalities":["HT"],"on":"2020-03-01",'
        '"returned_by":"CA","returned_to":"US","type":"claimant_returned"}',
        # Keys out of order, white space, a trailing or leading comma.
        '{"claimant_id":"c","by":"US","on":"2020-03-01","outcome_id":"o","type":"detained"}',
        '{"by":"US", "claimant_id":"c","on":"2020-03-01","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":"c","on":"2020-03-01","outcome_id":"o","type":"detained",}',
        '{,"by":"US","claimant_id":"c","on":"2020-03-01","outcome_id":"o","type":"detained"}',
        # Values the validators refuse.
        '{"by":"ZZ","claimant_id":"c","on":"2020-03-01","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":" c","on":"2020-03-01","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":"c","on":"2021-02-29","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":"c","on":"2020-3","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":"c","on":"0000","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":"c","on":"2020-03-01","outcome_id":"c","regarding":"c",'
        '"to":"CA","type":"notified"}',
        '{"by":"US","claimant_id":"c","on":"2020-03-01","outcome_id":"o","to":"US",'
        '"type":"removed"}',
        '{"claimant_id":"c","nationalities":["HT","HT"],"on":"2020-03-01",'
        '"returned_by":"CA","returned_to":"US","type":"claimant_returned"}',
        # The wrong kind of value: a string for a boolean, a number for text.
        '{"by":"US","claimant_id":"c","decision":"granted","final":"true","on":"2020-03-01",'
        '"outcome_id":"o","type":"claim_decided"}',
        '{"by":"US","claimant_id":7,"on":"2020-03-01","outcome_id":"o","type":"detained"}',
        '{"by":"US","claimant_id":"c","on":"2020-03-01","outcome_id":"o","type":"detained","x":1}',
        # Numbers: only canonical whole numbers, in range; digits of other scripts are not.
        '{"hash":"' + "0" * 64 + '","ledger_of":"CA","seq":0,"type":"checkpoint"}',
        '{"hash":"' + "0" * 64 + '","ledger_of":"CA","seq":01,"type":"checkpoint"}',
        '{"hash":"' + "0" * 64 + '","ledger_of":"CA","seq":\u0661,"type":"checkpoint"}',
        '{"hash":"' + "0" * 64 + '","ledger_of":"CA","seq":' + "9" * 5000 + ',"type":"checkpoint"}',
        # Not a record at all.
        "",
        "{}",
        '{"type":"detained"}',
        '{"type":"no_such_type"}',
        '"type":"',
    ],
)
def test_texts_the_full_way_refuses_are_not_read_quickly(text: str) -> None:
    """Rule: what is not a valid record in canonical form, the quick way refuses too."""
    assert _full_way(text) is None
    assert DEFAULT_CODEC.from_canonical(text) is None


@given(st.text())
@example('{"type":"' + "x" * 100)
def test_the_quick_way_never_raises(text: str) -> None:
    """Rule: any text at all gives a record or None, never an error."""
    quick = DEFAULT_CODEC.from_canonical(text)
    if quick is not None:
        assert quick == _full_way(text)


def test_unknown_type_names_are_not_remembered() -> None:
    """Rule: reading hostile text keeps nothing per unknown type name (memory stays bounded)."""
    reader = DEFAULT_CODEC._plain
    before = len(reader._shapes)
    for number in range(100):
        DEFAULT_CODEC.from_canonical(f'{{"type":"made_up_{number}"}}')
    assert len(reader._shapes) == before


@attrs.frozen(kw_only=True)
class _Leading(Record):
    """A record class whose first key is optional: its expression needs the brace-or-comma."""

    TYPE: ClassVar[str] = "leading"
    a_flag: bool = attrs.field(default=False)
    b_flag: bool = attrs.field(default=False)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ('{"type":"leading"}', _Leading()),
        ('{"a_flag":true,"type":"leading"}', _Leading(a_flag=True)),
        ('{"b_flag":true,"type":"leading"}', _Leading(b_flag=True)),
        ('{"a_flag":true,"b_flag":true,"type":"leading"}', _Leading(a_flag=True, b_flag=True)),
        ('{,"type":"leading"}', None),
        ('{,"b_flag":true,"type":"leading"}', None),
        ('{"a_flag":true"type":"leading"}', None),
        ('{"a_flag":true,,"type":"leading"}', None),
        ('{"b_flag":true,"a_flag":true,"type":"leading"}', None),
    ],
)
def test_optional_first_keys_are_separated_by_exactly_one_comma(
    text: str, read: Record | None
) -> None:
    """Rule: with every key before it optional, a key follows the brace or one comma, never both."""
    assert PlainReader({"leading": _Leading}).read(text) == read


def test_only_lists_of_plain_strings_are_plain() -> None:
    """Rule: a list is plain only if its items are text (a list of dates is read the full way)."""

    @attrs.frozen(kw_only=True)
    class Dated(Record):
        TYPE: ClassVar[str] = "dated"
        days: tuple[DateSpan, ...] = attrs.field(default=())

    @attrs.frozen(kw_only=True)
    class Named(Record):
        TYPE: ClassVar[str] = "named"
        names: tuple[str, ...] = attrs.field(default=())

    assert PlainReader({"dated": Dated}).read('{"days":["2020-03-01"],"type":"dated"}') is None
    assert PlainReader({"named": Named}).read('{"names":["a","b"],"type":"named"}') == Named(
        names=("a", "b")
    )
