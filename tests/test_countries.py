"""Countries: the shipped ISO 3166-1 alpha-2 list."""

import pytest

from assurance_ledger import COUNTRIES, DEFAULT_CODEC, InvalidRecord, is_country, is_party


def test_list_is_complete_and_well_formed() -> None:
    """Rule: all 249 ISO 3166-1 codes plus XK, each two upper-case ASCII letters with a name."""
    assert len(COUNTRIES) == 250
    assert {"CA", "US", "MX", "HT", "VE", "XK", "SS", "CW"} <= set(COUNTRIES)
    for code, name in COUNTRIES.items():
        assert len(code) == 2
        assert code.isascii()
        assert code.isupper()
        assert name


@pytest.mark.parametrize("code", ["ca", "Ca", "ZZ", "USA", "", "C A", "UK", "EU"])
def test_unknown_or_lower_case_codes_are_refused(code: str) -> None:
    """Rule: an unknown or lower-case code is rejected with a message that names it."""
    assert not is_country(code)
    with pytest.raises(InvalidRecord) as info:
        DEFAULT_CODEC.from_json(
            {"type": "detained", "outcome_id": "o", "claimant_id": "c", "on": "2020", "by": code}
        )
    assert info.value.field == "by"
    assert repr(code) in str(info.value)


def test_parties_are_countries_or_organisations() -> None:
    """Rule: two upper-case letters must be a known country; longer names are organisations."""
    assert is_party("UNHCR")
    assert is_party("CA")
    assert not is_party("QQ")
    assert not is_party(" UNHCR")
    assert not is_party(42)
