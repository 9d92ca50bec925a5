r"""Text from a ledger made safe to print: one line, no hidden controls.

Ledgers are exchanged between states, so any string in one may be hostile. A
line break in an ``authority`` could add a line such as ``The ledgers agree.``
to a reconciliation; a terminal escape could recolour or hide output; a
right-to-left override could make ``a-1`` read as ``1-a`` (Trojan Source).
:func:`one_line` escapes, visibly, every character that could do any of that:

* control characters: C0 (U+0000 to U+001F, line feed and tab included), DEL
  (U+007F) and C1 (U+0080 to U+009F, next line U+0085 included);
* the line and paragraph separators U+2028 and U+2029;
* the bidirectional controls: U+061C, U+200E, U+200F, U+202A to U+202E and
  U+2066 to U+2069;
* lone surrogates (U+D800 to U+DFFF), which no output encoding can write;
* and the backslash itself, so that the escaping is unambiguous: every
  backslash in the output starts an escape, and distinct texts stay distinct.

Escapes are Python's (``\n``, ``\r``, ``\t``, ``\\``, ``\x1b``,
``\u202e``), the ones ``repr()`` prints, so an error message quoting a value with
``repr()`` and a report escaping it read alike.

Every text the library prints goes through it: the report, the
reconciliation, the statistics table, the timeline, ``show``, and the command's
messages (which quote values with ``repr()`` or name paths with
:func:`one_line`). Text is escaped where it is *rendered*, never where it is
stored or explained: a breach's ``explanation`` and every JSON output keep the
true text (JSON escapes what it must), and the HTML views escape it with
:func:`one_line` before ``html.escape``. :func:`json_one_line` writes a JSON
value on one line with the same characters escaped the JSON way, for text that
shows JSON values.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable

__all__ = ["one_line"]

# The ranges of unsafe characters, as the body of a regular expression's class.
_RANGES = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
#: Matches a character :func:`one_line` escapes because it is unsafe to print raw
#: (it also escapes the backslash, which is harmless alone).
UNSAFE = re.compile(f"[{_RANGES}]")
_ESCAPED = re.compile(f"[{_RANGES}\\\\]")
_SHORT = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    short = _SHORT.get(char)
    if short is not None:
        return short
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    r"""``text`` safe to print: on one line, with every control visible and nothing hidden.

    Each unsafe character (see :data:`UNSAFE`) and each backslash is replaced
    by its Python escape; everything else, every other script included, is
    kept as it is. Distinct texts give distinct results.

    >>> print(one_line("Minister\nThe ledgers agree."))
    Minister\nThe ledgers agree.
    >>> print(one_line("a-\u202e1"), one_line("C:\\temp"), one_line("naïve"))
    a-\u202e1 C:\\temp naïve
    """
    return _ESCAPED.sub(_escape, text)


def json_one_line(value: object) -> str:
    r"""``value`` as JSON on one line, every unsafe character escaped as ``\uXXXX``.

    ``json.dumps`` already escapes C0 controls, quotes and backslashes inside
    strings; this also escapes the rest of :data:`UNSAFE`, which it would leave
    raw. The result is still valid JSON for the same value.

    >>> print(json_one_line({"citation": "note\u2028The ledgers agree."}))
    {"citation": "note\u2028The ledgers agree."}
    """
    text = json.dumps(value, ensure_ascii=False)
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, ignoring case, for a "did you mean" hint (None if none is).

    >>> nearest("a", ["A", "B"]), nearest("c-01", ["c-001", "c-100"]), nearest("x", ["c-001"])
    ('A', 'c-001', None)
    """
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(word.casefold(), folded, n=1)
    return folded[found[0]] if found else None
