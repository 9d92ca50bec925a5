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

import re
from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType

__all__ = [
    "COUNTRIES",
    "code_of_name",
    "country_name",
    "is_country",
    "is_party",
    "with_country_names",
]


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


def _by_name() -> Mapping[str, str]:
    # A name before a comma ("Congo, The Democratic Republic of the") is what people
    # type too, but only when it names one country: "Congo" is CG's whole name.
    whole = {name.casefold(): code for code, name in COUNTRIES.items()}
    heads: dict[str, list[str]] = {}
    for code, name in COUNTRIES.items():
        head, comma, _ = name.partition(",")
        if comma:
            heads.setdefault(head.strip().casefold(), []).append(code)
    short = {head: codes[0] for head, codes in heads.items() if len(codes) == 1}
    return MappingProxyType({**short, **whole})


_BY_NAME = _by_name()


def code_of_name(text: str) -> str | None:
    """The code of the country whose name ``text`` is (any case), or ``None``.

    Used to catch a country's name typed where its code belongs; an
    organisation's name, a code or anything else gives ``None``.

    >>> code_of_name("Canada"), code_of_name("UNITED STATES"), code_of_name("UNHCR")
    ('CA', 'US', None)
    >>> code_of_name("CA") is None
    True
    """
    return _BY_NAME.get(" ".join(text.split()).casefold())


# A code stands alone: not part of a longer word, id or date ("c-HT", "HTML").
_CODE = re.compile(r"(?<![\w-])[A-Z]{2}(?![\w-])")


def with_country_names(text: str) -> str:
    """``text`` with each known country code named after it, for people to read.

    A code is two upper-case letters standing alone; its name follows it the
    first time it appears (once is enough to read the rest). An unknown code,
    or two letters inside a longer word or id, stays as it is.

    >>> with_country_names("US removed the claimant to HT, a feared country (by US)")
    'US (United States) removed the claimant to HT (Haiti), a feared country (by US)'
    >>> with_country_names("visit by UNHCR; ZZ; c-HT")
    'visit by UNHCR; ZZ; c-HT'
    """
    seen: set[str] = set()

    def named(match: re.Match[str]) -> str:
        code = match[0]
        if code not in _CODES or code in seen:
            return code
        seen.add(code)
        return f"{code} ({COUNTRIES[code]})"

    return _CODE.sub(named, text)
