"""ISO 3166-1 alpha-2 country codes, shipped as data in ``countries.tsv``.

The list holds every current code plus ``XK`` (Kosovo, user-assigned but in wide
use by governments and UNHCR). Codes are only ever added to the file, never
removed, so a ledger that was valid once stays readable.

Parties (who recorded an entry, whose ledger a checkpoint witnesses, who made a
monitoring visit) may be a state or an organisation: a two-letter upper-case name
is read as a country code and must be a known one, anything else is an
organisation's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType

__all__ = ["COUNTRIES", "country_name", "is_country", "is_party"]


def _load() -> Mapping[str, str]:
    text = files(__package__).joinpath("countries.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            table[code] = name
    return MappingProxyType(table)


#: Every known code, mapped to its short English name (read-only).
COUNTRIES: Mapping[str, str] = _load()
_CODES = frozenset(COUNTRIES)  # for membership tests, which run for every record


def is_country(value: object) -> bool:
    """Whether ``value`` is a known ISO 3166-1 alpha-2 code (upper case).

    >>> is_country("CA"), is_country("ca"), is_country("ZZ"), is_country("XK")
    (True, False, False, True)
    """
    return isinstance(value, str) and value in _CODES


#: Longest organisation name accepted as a party.
MAX_PARTY_LENGTH = 200


def is_party(value: object) -> bool:
    """Whether ``value`` names a party: a known country code or an organisation.

    An organisation's name is printable text of at most 200 characters without
    surrounding spaces; a two-letter name must be a known country code.

    >>> is_party("US"), is_party("UNHCR"), is_party("ZZ"), is_party("ca"), is_party("  ")
    (True, True, False, False, False)
    """
    if type(value) is str and value in _CODES:  # the common case: it passes every check below
        return True
    if not (
        isinstance(value, str)
        and 0 < len(value) <= MAX_PARTY_LENGTH
        and value == value.strip()
        and value.isprintable()
    ):
        return False
    if len(value) == 2 and value.isascii() and value.isalpha():
        return value in _CODES  # a two-letter name is a country code, never "ca"
    return True


def country_name(code: str) -> str:
    """The short English name of a country code.

    >>> country_name("HT")
    'Haiti'
    """
    return COUNTRIES[code]
