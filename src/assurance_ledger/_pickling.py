"""Pickling many frozen attrs instances fast, for snapshots and forked workers (private).

attrs restores a frozen slotted instance through its ``__setstate__``, a loop
in Python over the field names: a million records take longer to restore that
way than to parse as JSON. So :class:`Pickler` pickles each instance of such a
class as a call of a function made for the class instead (:func:`restorer`),
unrolled like attrs' own ``__init__`` (so made with ``exec``, as attrs makes
its methods): the object, then each field's value set straight in its slot,
with no validator run again. It is only for values this package validated
itself, read back by the same version of it: a snapshot (whose MAC says so),
or a report a forked worker made.

Many instances of a few classes (a ledger's records, the view's facts) go
faster still as :class:`Columns`: each class's instances are made, then each
field set in all of them, by ``map()`` over the slot's own setter, loops in C
with no Python call for each instance (a third of the time of the restorers).
Equal texts, and tuples of texts, can be kept once for all the columns (a
claimant's id is in each of their records).
"""

from __future__ import annotations

import io
import operator
import pickle
import types
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any, NamedTuple

import attrs

__all__ = ["Columns", "Pickler", "columns", "dumps", "instances", "loads", "made", "restorer"]

_RESTORERS: dict[type[Any], Callable[..., Any]] = {}
_FIELDS: dict[type[Any], Callable[[Any], tuple[Any, ...]]] = {}  # a class's values, in order
_CLASSES: dict[int, type[Any]] = {}  # id of a restorer -> its class
_FAST: dict[type[Any], bool] = {}
_consume = deque[Any](maxlen=0).extend


def restorer(cls: type[Any]) -> Callable[..., Any]:
    """The function that makes an instance of ``cls`` from its fields' values, in order."""
    found = _RESTORERS.get(cls)
    if found is not None:
        return found
    names = [field.name for field in attrs.fields(cls)]
    values = ", ".join(f"v{index}" for index in range(len(names)))
    namespace: dict[str, Any] = {"new": object.__new__, "C": cls}
    lines = [f"def restore({values}):", "    o = new(C)"]
    for index, name in enumerate(names):
        # The slot's own setter: a third quicker than object.__setattr__, which
        # looks the name up first.
        slot = getattr(cls, name)
        assert isinstance(slot, types.MemberDescriptorType)  # noqa: S101 -- _fast says so
        namespace[f"set{index}"] = slot.__set__
        lines.append(f"    set{index}(o, v{index})")
    lines.append("    return o")
    exec("\n".join(lines), namespace)  # noqa: S102 -- our own text, from attrs' field names
    made_one: Callable[..., Any] = namespace["restore"]
    if len(names) > 1:
        _FIELDS[cls] = operator.attrgetter(*names)
    else:  # attrgetter of one name gives the value, of none fails
        _FIELDS[cls] = lambda obj: tuple(getattr(obj, name) for name in names)
    _RESTORERS[cls] = made_one
    _CLASSES[id(made_one)] = cls
    return made_one


def _fast(cls: type[Any]) -> bool:
    """Whether ``cls`` is a frozen slotted attrs class whose instances hold only their fields."""
    found = _FAST.get(cls)
    if found is None:
        found = _FAST[cls] = _is_fast(cls)
    return found


def _is_fast(cls: type[Any]) -> bool:
    return (
        attrs.has(cls)
        and "__slots__" in vars(cls)
        and cls.__setattr__ is not object.__setattr__
        and not any(name.startswith("__attrs") for name in vars(cls)["__slots__"])  # no cached hash
        and all(
            isinstance(getattr(cls, field.name, None), types.MemberDescriptorType)
            for field in attrs.fields(cls)
        )
    )


class Pickler(pickle.Pickler):
    """Pickles frozen attrs instances as a call of their class's restorer."""

    def reducer_override(self, obj: Any) -> Any:
        """A restorer's call for a frozen attrs instance; pickle's own way for anything else."""
        cls = type(obj)
        if cls in _RESTORERS:
            restore = _RESTORERS[cls]
        elif id(obj) in _CLASSES and _RESTORERS.get(_CLASSES[id(obj)]) is obj:
            return restorer, (_CLASSES[id(obj)],)  # the restorer itself, once a file
        elif _fast(cls):
            restore = restorer(cls)
        else:
            return NotImplemented
        return restore, _FIELDS[cls](obj)


def dumps(value: Any) -> memoryview:
    """``value`` pickled by :class:`Pickler`, for :func:`loads`."""
    buffer = io.BytesIO()
    Pickler(buffer, protocol=5).dump(value)
    return buffer.getbuffer()


def loads(data: bytes | memoryview) -> Any:
    """What :func:`dumps` pickled: only for bytes this package wrote itself.

    That is, a snapshot whose MAC holds, or the report of a forked worker;
    never anything read from a ledger, a records file or a user.
    """
    return pickle.loads(data)  # noqa: S301 -- our own bytes, as the docstring says


class Columns(NamedTuple):
    """Instances of a few classes as their fields' values: a column for each field."""

    #: Each class, or None for instances pickled as they are (not frozen attrs).
    classes: tuple[type[Any] | None, ...]
    #: For each class, a list of values for each field (for None: the instances).
    columns: tuple[tuple[list[Any], ...], ...]
    #: The index in ``classes`` of each instance, in order.
    order: array[int]


def columns(values: Sequence[Any], *, share: bool = False) -> Columns:
    """``values`` as columns, for :func:`instances` to make again.

    With ``share``, equal texts and tuples of texts are made one object (see
    :func:`_shared`): a little more work, for values that are kept.
    """
    kinds = set(map(type, values))
    groups: dict[type[Any], list[Any]]
    if len(kinds) == 1:  # the common case (a report's breaches), in C
        groups = {kinds.pop(): list(values)}
        order = array("B", bytes(len(values)))
    else:
        groups = {}
        for value in values:
            groups.setdefault(type(value), []).append(value)
        index = {cls: place for place, cls in enumerate(groups)}
        kind = "B" if len(index) <= 256 else "L"
        order = array(kind, map(index.__getitem__, map(type, values)))
    classes = tuple(cls if _fast(cls) and attrs.fields(cls) else None for cls in groups)
    shared: dict[Any, Any] | None = {} if share else None
    return Columns(
        classes,
        tuple(
            (members,)
            if cls is None
            else tuple(
                _shared(list(map(operator.attrgetter(field.name), members)), shared)
                for field in attrs.fields(cls)
            )
            for cls, members in zip(classes, groups.values(), strict=True)
        ),
        order,
    )


def _shared(column: list[Any], shared: dict[Any, Any] | None) -> list[Any]:
    """``column`` with each text, and each tuple of texts, one object for all that are equal.

    Only texts and tuples of texts: they equal nothing of another type (``1``
    equals ``True``; a text never equals a tuple). ``shared`` holds the
    objects kept so far, for all the columns; None keeps ``column`` as it is.
    """
    if shared is None:
        return column
    kinds = set(map(type, column))
    if kinds <= {str, type(None)} or (
        kinds <= {tuple, type(None)}
        and all(type(item) is str for value in column if value for item in value)
    ):
        return [shared.setdefault(value, value) for value in column]
    return column


def made(cls: type[Any], count: int, values: Sequence[Iterable[Any]]) -> list[Any]:
    """``count`` instances of ``cls`` (a frozen attrs class), its fields' values in ``values``."""
    objects = list(map(object.__new__, repeat(cls, count)))
    for field, column in zip(attrs.fields(cls), values, strict=True):
        _consume(map(getattr(cls, field.name).__set__, objects, column))
    return objects


def instances(packed: Columns) -> list[Any]:
    """The instances that :func:`columns` was given, in order."""
    groups = [
        iter(values[0] if cls is None else made(cls, len(values[0]), values))
        for cls, values in zip(packed.classes, packed.columns, strict=True)
    ]
    return list(map(next, map(groups.__getitem__, packed.order)))
