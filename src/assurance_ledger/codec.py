"""The one converter between records and JSON, and the canonical bytes that get hashed.

Everything about the JSON form of records is decided in :func:`configure_converter`
and :func:`canonical_json`, and nowhere else. Ledger hashes are computed over
these bytes, so these choices are a promise kept byte for byte in every version.

A :class:`Codec` is an immutable pairing of that converter with the commitment
kinds it knows: the built-in ones, plus any a user registers with
:meth:`Codec.with_commitments`. No global registry is changed by registering.

>>> codec = Codec()
>>> record = codec.from_json({"type": "detained", "outcome_id": "o-1",
...                           "claimant_id": "c-1", "on": "2020-04", "by": "US"})
>>> record.on.precision
'month'
>>> canonical_json(codec.to_json(record))
b'{"by":"US","claimant_id":"c-1","on":"2020-04","outcome_id":"o-1","type":"detained"}'
"""

from __future__ import annotations

import json
import json.encoder
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, TypeVar, get_args, get_origin, overload

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from . import _validate
from ._plain import PlainReader, share
from ._validate import short
from .commitments import BUILTIN_COMMITMENTS, Commitment
from .dates import DateSpan
from .display import nearest
from .errors import InvalidRecord, InvalidRecords, Path
from .records import RECORD_TYPES, Record, Scope, Source
from .schema import SchemaKind, json_schema

__all__ = [
    "DEFAULT_CODEC",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_LINE_BYTES",
    "MAX_RECORDS_FILE_BYTES",
    "Codec",
    "canonical_json",
    "configure_converter",
    "loads_json",
]

#: Most items in any list field (claimant ids in a scope, commitments, countries):
#: a longer list is refused when read, as a hostile file's would be.
MAX_ITEMS: Final = _validate.MAX_ITEMS

T = TypeVar("T")

#: Deepest nesting of JSON arrays and objects accepted in one record.
MAX_DEPTH = 32
#: Longest line (one record, or one stored entry) accepted, in bytes: a hostile
#: file cannot exhaust memory through one line.
MAX_LINE_BYTES = 1_048_576
#: Most problems one error reports, for a record or a file (it then says more
#: were left out): a hostile line cannot make an error of millions of them.
MAX_PROBLEMS = 100
#: Longest object key an error's path shows (a longer one is cut short).
_MAX_KEY = 60
#: Biggest records file read (``Ledger.append_file``, ``assurance-ledger append``
#: and ``summary``), in bytes: 64 MiB. A batch is read, checked and staged whole
#: in memory before anything is stored (reading alone peaks at about 3.4 times
#: the file's size), so this keeps one batch well within a gigabyte, and a file
#: that never ends (``/dev/zero``) from exhausting memory. Split bigger imports.
MAX_RECORDS_FILE_BYTES = 64 * 1_048_576
_KIND = re.compile(r"[a-z][a-z0-9_]{0,63}")


def canonical_json(value: Any) -> bytes:
    r"""The canonical bytes of a JSON value: the form that is stored and hashed.

    Keys sorted, no whitespace, UTF-8 (non-ASCII characters as themselves, not
    ``\u`` escapes), and NaN or infinities refused (``ValueError``, as for a
    value that contains itself).
    """
    try:
        return "".join(_ENCODE(value, 0)).encode("utf-8")
    except RecursionError:
        raise ValueError("a JSON value nested too deeply, or circular") from None


def canonical_string(text: str) -> bytes:
    r"""``canonical_json(text)`` for a string, without the encoder: for writing out a known object.

    >>> canonical_string('say "hi"')
    b'"say \\"hi\\""'
    >>> canonical_string("né") == canonical_json("né") == '"né"'.encode("utf-8")
    True
    """
    if type(text) is not str:  # anything else would not be canonical_json's bytes: refuse
        raise TypeError(f"expected text, got {type(text).__name__}")
    return _ESCAPE(text).encode("utf-8")


# How a string is written (ensure_ascii=False: only quotes, backslashes and
# control characters escaped); the encoder below writes strings with it too.
_ESCAPE: Callable[[str], str] = json.encoder.encode_basestring
# One encoder, made once: json.dumps would build it again on every call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
# What _CANONICAL.encode runs, without making its C encoder again on every
# call: made once here (the same bytes, as a test checks). It is given no
# ``markers`` (the containers being encoded, to catch a circular value): one
# markers dict shared between calls would keep stale entries after an error.
# A circular value then ends in RecursionError, which canonical_json reports.
_ENCODE: Callable[[Any, int], Any] = _CANONICAL.iterencode  # type: ignore[assignment]
# (typeshed does not declare the accelerator, hence getattr.)
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
if _MAKE_ENCODER is not None:  # CPython's C accelerator, which JSONEncoder uses too
    _ENCODE = _MAKE_ENCODER(
        None,  # markers (see above)
        _CANONICAL.default,
        _ESCAPE,  # ensure_ascii=False
        None,  # indent
        ":",
        ",",
        True,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )


class _Duplicated(dict[str, Any]):
    """An object in which ``key`` appeared more than once (reported with its path)."""

    key: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    marked = _Duplicated(result)
    for key, _ in pairs:
        if key in seen:
            marked.key = key
            break
        seen.add(key)
    return marked


def _no_constant(name: str) -> Any:
    raise InvalidRecord((), "finite numbers only", name)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidRecord((), "finite numbers only", text)
    return value


# The types of JSON values that hold no other value.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _key(step: str | int) -> str | int:
    """A step of an error's path: an object key is cut short (a hostile key may be huge)."""
    if isinstance(step, str) and len(step) > _MAX_KEY:
        return step[: _MAX_KEY - 3] + "..."
    return step


def _clipped(path: Path) -> Path:
    return tuple(map(_key, path))


def _check_shape(value: dict[str, Any] | list[Any], limit: int) -> None:
    """Refuse nesting deeper than ``limit`` and objects with a repeated key, with its path."""
    stack: list[tuple[Any, Path]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, _Duplicated):
            raise InvalidRecord(
                _clipped((*path, item.key)),
                "each key once in an object",
                f"{short(item.key)} twice",
            )
        if len(path) >= limit:
            raise InvalidRecord(_clipped(path), f"JSON nested at most {limit} deep", "deeper")
        values = item.values() if isinstance(item, dict) else item
        # A container of plain values is passed over in C: a hostile line holds
        # a list of half a million numbers, and only containers need a path.
        if _PLAIN.issuperset(map(type, values)):
            continue
        steps = item.items() if isinstance(item, dict) else enumerate(item)
        stack.extend(
            (child, (*path, step)) for step, child in steps if isinstance(child, dict | list)
        )


def loads_json(text: str | bytes) -> Any:
    """Parse one JSON text strictly, raising :class:`InvalidRecord` on anything dubious.

    Refused: invalid JSON or UTF-8, duplicate keys in an object, ``NaN``,
    ``Infinity`` and numbers too large for a float, nesting deeper than
    :data:`MAX_DEPTH`.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_no_constant, parse_float=_finite
        )
    except InvalidRecord:
        raise
    except UnicodeDecodeError as exc:
        raise InvalidRecord((), "UTF-8 text", f"invalid byte at position {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InvalidRecord((), "valid JSON", f"{exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise InvalidRecord((), f"JSON nested at most {MAX_DEPTH} deep", "deeper") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise InvalidRecord((), "valid JSON", short(str(exc))) from None
    if isinstance(value, dict | list):
        _check_shape(value, MAX_DEPTH)
    return value


def _strict(kind: type[Any], expected: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is not kind:
            raise InvalidRecord((), expected, short(value))
        return value

    return structure


def _text(value: Any, _: Any) -> str:
    if type(value) is not str:
        raise InvalidRecord((), "text", short(value))
    return share(value)


def _date_span(value: Any, _: Any) -> DateSpan:
    return DateSpan.from_json(value)


def _number(value: Any, _: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise InvalidRecord((), "a finite number", short(value))
    return float(value)


def _is_literal(tp: Any) -> bool:
    return get_origin(tp) is Literal


def _literal_hook(tp: Any) -> Callable[[Any, Any], Any]:
    allowed = get_args(tp)
    expected = "one of " + ", ".join(repr(a) for a in allowed)

    def structure(value: Any, _: Any) -> Any:
        # type() check: JSON true must not pass for 1, nor 1 for 1.0.
        if not any(type(value) is type(a) and value == a for a in allowed):
            raise InvalidRecord((), expected, short(value))
        return value

    return structure


def _is_homogeneous_tuple(tp: Any) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        item_type = get_args(tp)[0]
        found: list[Callable[[Any, Any], Any]] = []  # the item hook, looked up at first use

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise InvalidRecord((), "a list", short(value))
            # Counted before any item is read: a line of a megabyte holds a
            # list of half a million items, each of which could be an error.
            if len(value) > MAX_ITEMS:
                raise InvalidRecord(
                    (), f"a list of at most {MAX_ITEMS} items", f"{len(value)} items"
                )
            if not found:
                found.append(conv.get_structure_hook(item_type))
            hook = found[0]
            items = []
            errors: list[InvalidRecord] = []
            truncated = False
            for index, item in enumerate(value):
                try:
                    items.append(hook(item, item_type))
                except Exception as exc:
                    more, cut = _flatten(exc, (index,))
                    errors.extend(more)
                    truncated = truncated or cut
                    if len(errors) > MAX_PROBLEMS:
                        truncated = True
                        break
            if errors:
                raise InvalidRecords(errors[:MAX_PROBLEMS], truncated=truncated)
            return tuple(items)

        return structure

    return factory


def _object(
    conv: cattrs.Converter, cls: type[Any], what: str, tag: str = "", name: str = ""
) -> Callable[[Any, Any], Any]:
    """The structure hook of one attrs class: a JSON object, its tag (if any) checked."""
    fields = make_dict_structure_fn(
        cls, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise InvalidRecord((), f"{what} (a JSON object)", short(value))
        if tag in value:
            if value[tag] != name:
                raise InvalidRecord((tag,), repr(name), short(value[tag]))
            value = value.copy()
            del value[tag]
        return fields(value, cls)

    return structure


def _tagged(
    conv: cattrs.Converter, tag: str, classes: Mapping[str, type[Any]], what: str
) -> tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]:
    """Structure and unstructure hooks for a family of classes told apart by ``tag``."""
    expected = "one of " + ", ".join(repr(k) for k in classes)
    known = frozenset(classes.values())
    hooks: dict[type[Any], Callable[[Any, Any], Any]] = {}

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise InvalidRecord((), f"{what} (a JSON object with a {tag!r})", short(value))
        name = value.get(tag)
        if name is None:
            raise InvalidRecord((tag,), f"{expected} (the field is required)")
        if not isinstance(name, str) or name not in classes:
            near = nearest(name, classes) if isinstance(name, str) else None
            hint = f" (did you mean {near!r}?)" if near is not None else ""
            raise InvalidRecord((tag,), expected + hint, short(name))
        cls = classes[name]
        hook = hooks.get(cls)
        if hook is None:  # looked up once, at first use: every hook is registered by then
            hook = hooks[cls] = conv.get_structure_hook(cls)
        return hook(value, cls)

    def unstructure(value: Any) -> Any:
        if type(value) not in known:
            raise InvalidRecord(
                (tag,),
                f"{what} of a {tag} this codec knows (register new commitment kinds "
                "with Codec.with_commitments)",
                type(value).__name__,
            )
        return conv.unstructure(value, unstructure_as=type(value))

    return structure, unstructure


def configure_converter(
    conv: cattrs.Converter, commitments: Mapping[str, type[Commitment]]
) -> None:
    """Teach ``conv`` the JSON form of every record and of ``commitments``.

    The encoding choices, all of them:

    * A record is a JSON object with its ``type`` tag; a commitment, with its
      ``kind`` tag. The other keys are the attrs fields of the class, same names.
    * A field whose value equals its default is left out. So a record written
      before an optional field was added hashes the same after.
    * Tuples are lists; a ``None`` that is not the default is ``null``.
    * A :class:`~assurance_ledger.dates.DateSpan` is written in its most compact
      form: ``"2020-03-30"``, ``"2020-03"``, ``"2020"`` or
      ``{"earliest": ..., "latest": ...}``.
    * Enumerations (``Literal`` types) are their strings (or numbers).
    * Reading is strict: an unknown key, a missing required key, a string where a
      number belongs (``"3"`` is not ``3``), a number where a boolean belongs
      (``1`` is not ``true``) and a string where a list belongs are all errors.
    * Errors name the path of the bad value and what was expected (see
      :class:`~assurance_ledger.errors.InvalidRecord`).

    The bytes that are stored and hashed are :func:`canonical_json` of the result.
    """
    conv.register_structure_hook(str, _text)
    conv.register_structure_hook(bool, _strict(bool, "true or false"))
    conv.register_structure_hook(int, _strict(int, "a whole number"))
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory(conv))
    conv.register_structure_hook(DateSpan, _date_span)
    conv.register_unstructure_hook(DateSpan, DateSpan.to_json)

    conv.register_structure_hook(Source, _object(conv, Source, "a source"))
    conv.register_structure_hook(Scope, _object(conv, Scope, "a scope"))
    families = (
        ("kind", Commitment, commitments, "a commitment"),
        ("type", Record, RECORD_TYPES, "a record"),
    )
    # The base classes first, so that fields typed with a base (an assurance's
    # commitments, a correction's replacement) dispatch on the value's own class.
    for tag, base, family, what in families:
        structure, unstructure = _tagged(conv, tag, family, what)
        conv.register_structure_hook(base, structure)
        conv.register_unstructure_hook(base, unstructure)
        conv.register_unstructure_hook_func(_is_optional(base), _or_none(unstructure))
    for tag, _, family, what in families:
        for name, cls in family.items():
            conv.register_structure_hook(cls, _object(conv, cls, what, tag, name))
            conv.register_unstructure_hook(cls, _with_tag(tag, name, conv, cls))


def _is_optional(base: type[Any]) -> Callable[[Any], bool]:
    return lambda tp: bool(tp == base | None)


def _or_none(hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else hook(value)


def _with_tag(tag: str, name: str, conv: cattrs.Converter, cls: type[Any]) -> Callable[[Any], Any]:
    fields = make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)

    def unstructure(value: Any) -> dict[str, Any]:
        return {tag: name, **fields(value)}

    return unstructure


def _flatten(exc: BaseException, path: Path) -> tuple[list[InvalidRecord], bool]:
    """Every :class:`InvalidRecord` inside an error raised while structuring.

    Also whether some were left out (a list stops at :data:`MAX_PROBLEMS`).
    """
    if isinstance(exc, InvalidRecords):
        return [e.at(path) for e in exc.errors], exc.truncated
    if isinstance(exc, InvalidRecord):
        return [exc.at(path)], False
    if isinstance(exc, ClassValidationError | IterableValidationError):
        found: list[InvalidRecord] = []
        truncated = False
        with_notes, without = exc.group_exceptions()
        located = [
            (sub, (*path, note.index if isinstance(note, IterableValidationNote) else note.name))
            for sub, note in with_notes
        ]
        for sub, at in [*located, *((sub, path) for sub in without)]:
            more, cut = _flatten(sub, at)
            found.extend(more)
            truncated = truncated or cut
        return found, truncated
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(sorted(a.name for a in attrs.fields(exc.cl)))
        keys = sorted(exc.extra_fields)
        return [
            InvalidRecord(
                (*path, _key(key)), f"no such field (the fields are: {allowed})", "a value"
            )
            for key in keys[:MAX_PROBLEMS]
        ], len(keys) > MAX_PROBLEMS
    if isinstance(exc, KeyError):
        return [InvalidRecord(path, "a value (the field is required)")], False
    return [InvalidRecord(path, "a valid value", short(f"{type(exc).__name__}: {exc}"))], False


class Codec:
    """Records to and from JSON, knowing the built-in commitment kinds and any added.

    A codec is immutable: :meth:`with_commitments` returns a new one.
    """

    __slots__ = (
        "_commitments",
        "_converter",
        "_known_commitments",
        "_plain",
        "_reader",
        "_writers",
    )

    def __init__(self, commitments: Iterable[type[Commitment]] = ()) -> None:
        """A codec for the built-in kinds plus ``commitments`` (user-defined kinds)."""
        kinds = dict(BUILTIN_COMMITMENTS)
        for cls in commitments:
            _check_kind(cls, kinds)
            kinds[cls.KIND] = cls
        self._commitments: Mapping[str, type[Commitment]] = MappingProxyType(kinds)
        self._known_commitments = frozenset(kinds.values())
        self._converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
        configure_converter(self._converter, self._commitments)
        # The hooks, looked up once: from_json runs for every entry read, to_json
        # for every entry appended (and read).
        self._reader = self._converter.get_structure_hook(Record)
        self._writers = {
            cls: self._converter.get_unstructure_hook(cls)
            for cls in (*self._commitments.values(), *RECORD_TYPES.values())
        }
        self._plain = PlainReader(RECORD_TYPES)

    def __repr__(self) -> str:
        """Show the kinds beyond the built-in ones."""
        extra = [k for k in self._commitments if k not in BUILTIN_COMMITMENTS]
        return f"Codec(extra commitment kinds: {extra})" if extra else "Codec()"

    @property
    def commitment_kinds(self) -> Mapping[str, type[Commitment]]:
        """Every commitment kind this codec reads, by ``kind`` tag (read-only)."""
        return self._commitments

    def with_commitments(self, *kinds: type[Commitment]) -> Codec:
        """A new codec that also knows ``kinds`` (user-defined commitment classes)."""
        builtin = set(BUILTIN_COMMITMENTS)
        extra = [cls for key, cls in self._commitments.items() if key not in builtin]
        return Codec([*extra, *kinds])

    def json_schema(self, what: SchemaKind = "record") -> dict[str, Any]:
        """The JSON Schema of a ``record``, ``entry``, ``report`` or ``profile`` (with these kinds).

        See :func:`assurance_ledger.schema.json_schema`.
        """
        return json_schema(what, self._commitments)

    def to_json(self, value: Record | Commitment) -> dict[str, Any]:
        """The JSON object (plain dicts, lists, strings, numbers) for a record or commitment.

        Raise :class:`InvalidRecord` for a commitment kind this codec does not know.
        """
        for index, commitment in enumerate(getattr(value, "commitments", ())):
            if type(commitment) not in self._known_commitments:
                raise InvalidRecord(
                    ("commitments", index, "kind"),
                    "a commitment kind this codec knows (register new kinds with "
                    "Codec.with_commitments)",
                    type(commitment).__name__,
                )
        hook = self._writers.get(type(value))
        if hook is None:  # not a class this codec knows: the base hook says why
            base = Commitment if isinstance(value, Commitment) else Record
            hook = self._converter.get_unstructure_hook(base)
        result: dict[str, Any] = hook(value)
        return result

    @overload
    def from_json(self, value: Any) -> Record: ...
    @overload
    def from_json(self, value: Any, cls: type[T]) -> T: ...
    def from_json(self, value: Any, cls: type[Any] = Record) -> Any:
        """Read a parsed JSON value as ``cls`` (any record, by default).

        Raise :class:`InvalidRecord` for one problem, :class:`InvalidRecords` for several.
        """
        try:
            if cls is Record:
                result = self._reader(value, Record)
            else:
                result = self._converter.structure(value, cls)
        except Exception as exc:
            errors, truncated = _flatten(exc, ())
            truncated = truncated or len(errors) > MAX_PROBLEMS
            if len(errors) == 1 and not truncated:
                raise errors[0] from None
            raise InvalidRecords(errors[:MAX_PROBLEMS], truncated=truncated) from None
        return result

    def from_canonical(self, text: str) -> Record | None:
        """The record whose canonical JSON is ``text``, if the quick way can tell; else None.

        A quick path for reading stored records: a flat record (no source,
        scope or other nested object, no date range, no string needing an
        escape) whose ``text`` is exactly its canonical JSON is read with one
        regular expression, and its values checked by the record's own
        validators. ``None`` means only that the quick way could not tell:
        read the text with :meth:`from_json` and compare it with the record's
        canonical bytes, which accepts exactly the same records.
        """
        return self._plain.read(text)

    def dumps(self, value: Record | Commitment) -> bytes:
        """The canonical JSON bytes of a record or commitment."""
        return canonical_json(self.to_json(value))

    @overload
    def loads(self, text: str | bytes) -> Record: ...
    @overload
    def loads(self, text: str | bytes, cls: type[T]) -> T: ...
    def loads(self, text: str | bytes, cls: type[Any] = Record) -> Any:
        """Parse JSON text strictly (see :func:`loads_json`) and read it as ``cls``."""
        return self.from_json(loads_json(text), cls)

    def read_records(self, text: str | bytes, *, limit: int = MAX_PROBLEMS) -> tuple[Record, ...]:
        r"""Read many records: a JSON array of records, or JSON Lines (one record a line).

        Every bad record is reported, each with its line (JSON Lines) or its index
        in the array, in one :class:`InvalidRecords`; after ``limit`` problems
        reading stops and the error says more were left out. Lines end at
        ``\n`` only (a ``\r`` before it is JSON white space); blank lines are
        skipped. Nothing is returned unless every record is valid.
        """
        return tuple(record for _, record in self.read_numbered(text, limit=limit))

    def read_numbered(
        self, text: str | bytes, *, limit: int = MAX_PROBLEMS
    ) -> tuple[tuple[int | None, Record], ...]:
        """Like :meth:`read_records`, each record with its line (``None`` in a JSON array)."""
        records: list[tuple[int | None, Record]] = []
        errors: list[InvalidRecord] = []
        truncated = False  # a record's own problems were cut short
        for line, prefix, value in _documents(text):
            if isinstance(value, InvalidRecord):
                errors.append(value)
            else:
                try:
                    records.append((line, self.from_json(value)))
                except InvalidRecords as exc:
                    errors.extend(e.at(prefix, line=line) for e in exc.errors)
                    truncated = truncated or exc.truncated
                except InvalidRecord as exc:
                    errors.append(exc.at(prefix, line=line))
            if len(errors) > limit:
                raise InvalidRecords(errors[:limit], truncated=True)
        if errors:
            raise InvalidRecords(errors, truncated=truncated)
        return tuple(records)


def _documents(text: str | bytes) -> Iterator[tuple[int | None, Path, Any]]:
    """Each JSON value of a records file with its line and path prefix.

    A value that cannot be parsed is yielded as its :class:`InvalidRecord`.
    JSON Lines are split and measured as bytes, so the line limit is in bytes
    and invalid UTF-8 is reported on its line.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.lstrip().startswith(b"["):
        try:
            array = loads_json(data)
        except InvalidRecord as exc:
            yield None, (), exc
            return
        for index, value in enumerate(array):
            yield None, (index,), value
        return
    # split(b"\n"), not splitlines(): U+2028 and friends are legal inside JSON strings.
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_BYTES:
            yield (
                number,
                (),
                InvalidRecord(
                    (),
                    f"a line of at most {MAX_LINE_BYTES} bytes",
                    f"{len(line)} bytes",
                    line=number,
                ),
            )
            continue
        try:
            yield number, (), loads_json(line)
        except InvalidRecord as exc:
            yield number, (), exc.at(line=number)


def _check_kind(cls: Any, known: Mapping[str, type[Commitment]]) -> None:
    # vars(), not attrs.has(): a plain subclass of an attrs class inherits the marker.
    if not (
        isinstance(cls, type) and issubclass(cls, Commitment) and "__attrs_attrs__" in vars(cls)
    ):
        raise TypeError(
            f"{cls!r} is not an attrs class (@attrs.frozen(kw_only=True)) subclassing Commitment"
        )
    kind = getattr(cls, "KIND", "")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(
            f"{cls.__name__}.KIND must be a lower-case tag like 'my_commitment', got {kind!r}"
        )
    if kind in known and known[kind] is not cls:
        raise ValueError(f"commitment kind {kind!r} is already taken by {known[kind].__name__}")


#: The codec for the commitment kinds of ``docs/format.md``.
DEFAULT_CODEC = Codec()
