"""The Othman profile of a given assurance (docs/profile.md), factor by factor.

Each factor is tested for each finding it can give and each basis it rests
on; then precedence (the latest assessment as of the day wins over a computed
finding, one dated after the day does not count), the forms (JSON, text,
HTML, rows, its schema), and ``compliance_record`` against ``check`` on the
strategies' ledgers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, get_args

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _story import GIVER, RECIPIENT, Story
from _story import given as given_record
from assurance_ledger import (
    BUILTIN_COMMITMENTS,
    DEFAULT_CODEC,
    FACTORS,
    PROFILE_ROW_FIELDS,
    AccessToProcedure,
    Assessment,
    Commitment,
    Correction,
    DetentionLimit,
    Factor,
    FactorFinding,
    HumaneTreatment,
    IllTreatment,
    InvalidDate,
    InvalidRecord,
    Ledger,
    MonitoringAccess,
    MonitoringDenied,
    MonitoringVisit,
    NotFound,
    Profile,
    RecordRefused,
    Scope,
    Source,
    check,
    json_schema,
    profile,
    profiles,
)
from assurance_ledger import strategies as als

AS_OF = "2020-06-30"
FINDINGS: tuple[FactorFinding, ...] = get_args(FactorFinding)


def _assessed(
    factor: str,
    finding: str,
    on: Any = "2020-05-01",
    *,
    assessment_id: str = "e-1",
    assurance_id: str = "a-1",
    note: str | None = None,
) -> Assessment:
    return Assessment(
        assessment_id=assessment_id,
        assurance_id=assurance_id,
        factor=factor,  # type: ignore[arg-type]
        finding=finding,  # type: ignore[arg-type]
        on=on,
        note=note,
        source=Source(citation="A lawyer's memorandum"),
    )


def _given(*commitments: Commitment, **fields: Any) -> tuple[Story, int]:
    story = Story()
    seq = story.give(*(commitments or (HumaneTreatment(),)), **fields)
    return story, seq


def _factor(story: Story, factor: str, as_of: Any = AS_OF, assurance_id: str = "a-1") -> Any:
    return profile(story.ledger, assurance_id, as_of)[factor]


# -- every factor, every finding, from an assessment ---------------------------------


@pytest.mark.parametrize("finding", FINDINGS)
@pytest.mark.parametrize("factor", FACTORS)
def test_an_assessment_gives_its_finding_to_any_factor(factor: str, finding: str) -> None:
    """Rule: an assessment of a factor, dated by the day, decides it (basis assessed, its seq)."""
    story, _ = _given()
    seq = story.add(_assessed(factor, finding, note="Reasoned at length."))
    found = _factor(story, factor)
    assert (found.finding, found.basis, found.evidence) == (finding, "assessed", (seq,))
    assert "Reasoned at length." in found.explanation
    others = [f for f in profile(story.ledger, "a-1", AS_OF).factors if f.factor != factor]
    assert all(f.basis != "assessed" for f in others)


@pytest.mark.parametrize(
    "factor",
    [
        "local_compliance",
        "lawful_treatment",
        "contracting_state",
        "effective_protection",
        "court_examined",
    ],
)
def test_a_factor_assessed_only_is_unknown_with_no_basis(factor: str) -> None:
    """Rule: a factor only a person can assess is unknown, basis none, with no assessment."""
    story, _ = _given(disclosure="public")
    found = _factor(story, factor)
    assert (found.finding, found.basis, found.evidence) == ("unknown", "none", ())


# -- (i) terms_disclosed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("disclosure", "finding", "basis"),
    [
        ("public", "for", "computed"),
        ("disclosed_to_court", "for", "computed"),
        ("confidential", "against", "computed"),
        (None, "unknown", "none"),
    ],
)
def test_terms_disclosed_follows_the_disclosure(
    disclosure: str | None, finding: str, basis: str
) -> None:
    """Rule: public or disclosed_to_court is for, confidential against, none recorded unknown."""
    story, seq = _given(disclosure=disclosure)
    found = _factor(story, "terms_disclosed")
    assert (found.finding, found.basis) == (finding, basis)
    assert found.evidence == ((seq,) if basis == "computed" else ())


# -- (ii) specific -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commitments", "scope", "finding"),
    [
        ((HumaneTreatment(),), Scope(claimants=["c-1"]), "for"),
        ((HumaneTreatment(), DetentionLimit(max_days=14)), Scope(), "for"),
        ((AccessToProcedure(within_days=0),), Scope(), "for"),
        ((MonitoringAccess(first_visit_within_days=7),), Scope(), "for"),
        ((HumaneTreatment(), MonitoringAccess(private=True)), Scope(), "against"),
        ((HumaneTreatment(),), Scope(nationalities=["HT"]), "against"),
    ],
)
def test_specific_needs_named_claimants_or_a_number(
    commitments: tuple[Commitment, ...], scope: Scope, finding: str
) -> None:
    """Rule: for when the scope names claimants or a commitment has a number; else against."""
    story, seq = _given(*commitments, scope=scope)
    found = _factor(story, "specific")
    assert (found.finding, found.basis, found.evidence) == (finding, "computed", (seq,))


def test_specific_unknown_only_when_assessed() -> None:
    """Rule: the ledger never computes specific as unknown; an assessment can say it."""
    story, _ = _given(DetentionLimit(max_days=14))
    story.add(_assessed("specific", "unknown"))
    assert (_factor(story, "specific").finding, _factor(story, "specific").basis) == (
        "unknown",
        "assessed",
    )


# -- (iii) binding_authority -------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "finding", "basis"),
    [
        ("treaty", "for", "computed"),
        ("diplomatic_note", "for", "computed"),
        ("memorandum", "for", "computed"),
        ("oral", "against", "computed"),
        ("public_statement", "against", "computed"),
        ("other", "unknown", "none"),
    ],
)
def test_binding_authority_follows_the_form(form: str, finding: str, basis: str) -> None:
    """Rule: treaty, note or memorandum is for; oral or public statement against; other unknown."""
    story, _ = _given(form=form, authority="Department of State")
    found = _factor(story, "binding_authority")
    assert (found.finding, found.basis) == (finding, basis)


# -- (vii) compliance_record -------------------------------------------------------------


def _record_story(*, second_giver: str = GIVER, second_recipient: str = RECIPIENT) -> Story:
    """a-1 (profiled), given on 20 March; a-2, the giver's other assurance, on 1 March."""
    story = Story()
    story.give(
        HumaneTreatment(), assurance_id="a-2", on="2020-03-01", by=second_giver, to=second_recipient
    )
    story.give(HumaneTreatment(), assurance_id="a-1")
    return story


def test_compliance_record_unknown_with_no_other_assurance() -> None:
    """Rule: a giver with no other assurance to the recipient has no record: unknown."""
    story, _ = _given()
    found = _factor(story, "compliance_record")
    assert (found.finding, found.basis) == ("unknown", "computed")


def test_compliance_record_against_with_a_certain_breach_of_another() -> None:
    """Rule: a certain breach of another assurance of the giver to the recipient is against."""
    story = _record_story()
    story.returned(on="2020-03-05")
    treated = story.outcome(IllTreatment, "2020-03-10", by=GIVER, substantiated=True)
    found = _factor(story, "compliance_record")
    assert found.finding == "against"
    breach = next(b for b in check(story.ledger, AS_OF).breaches if b.assurance_id == "a-2")
    assert set(breach.evidence) <= set(found.evidence)
    assert treated in found.evidence
    assert "a-2 humane_treatment" in found.explanation


def test_compliance_record_unknown_with_only_possible_breaches() -> None:
    """Rule: possible breaches alone (an unsubstantiated report) leave the record unknown."""
    story = _record_story()
    story.returned(on="2020-03-05")
    story.outcome(IllTreatment, "2020-03-10", by=GIVER, substantiated=False)
    assert _factor(story, "compliance_record").finding == "unknown"


def test_compliance_record_for_when_others_covered_returns_unbreached() -> None:
    """Rule: other assurances that covered returns, none breached, are for."""
    story = _record_story()
    story.returned(on="2020-03-05")
    found = _factor(story, "compliance_record")
    assert (found.finding, found.basis) == ("for", "computed")


def test_compliance_record_unknown_when_others_covered_nobody() -> None:
    """Rule: other assurances that covered no return say nothing: unknown."""
    story = _record_story()
    assert _factor(story, "compliance_record").finding == "unknown"


def test_compliance_record_ignores_the_profiled_assurance_and_other_parties() -> None:
    """Rule: breaches of this assurance, or of the giver's assurances to others, do not count."""
    story = _record_story(second_giver="US", second_recipient="MX")
    story.returned(on="2020-03-25")  # covered by a-1 only (CA to US)
    story.outcome(IllTreatment, "2020-03-26", by=GIVER, substantiated=True)
    assert any(b.assurance_id == "a-1" for b in check(story.ledger, AS_OF).breaches)
    assert _factor(story, "compliance_record").finding == "unknown"


def test_compliance_record_is_as_of_the_day() -> None:
    """Rule: a breach after the day is not yet part of the record."""
    story = _record_story()
    story.returned(on="2020-03-05")
    story.outcome(IllTreatment, "2020-07-10", by=GIVER, substantiated=True)
    assert _factor(story, "compliance_record", "2020-06-30").finding == "for"
    assert _factor(story, "compliance_record", "2020-07-31").finding == "against"


# -- (viii) verifiable -------------------------------------------------------------------


def _counsel() -> tuple[type[Commitment], dict[Any, Any] | None]:
    """The access_to_counsel kind: built in once issue 24 lands, else a test's own, ruleless."""
    if "access_to_counsel" in BUILTIN_COMMITMENTS:
        return BUILTIN_COMMITMENTS["access_to_counsel"], None

    @attrs.frozen(kw_only=True)
    class AccessToCounsel(Commitment):
        """The claimant may see a lawyer."""

        KIND: ClassVar[str] = "access_to_counsel"

    return AccessToCounsel, {AccessToCounsel: lambda case, commitment: ()}


def _verifiable(story: Story, rules: dict[Any, Any] | None = None) -> Any:
    return profile(story.ledger, "a-1", AS_OF, rules=rules)["verifiable"]


def _counsel_story(monitoring: MonitoringAccess) -> tuple[Story, dict[Any, Any] | None]:
    kind, rules = _counsel()
    story = Story()
    story.ledger = Ledger(codec=DEFAULT_CODEC.with_commitments(kind)) if rules else story.ledger
    story.give(monitoring, kind())
    return story, rules


def test_verifiable_against_with_no_monitoring_commitment() -> None:
    """Rule: no monitoring_access commitment: compliance cannot be verified, against."""
    story, seq = _given(HumaneTreatment())
    found = _verifiable(story)
    assert (found.finding, found.basis, found.evidence) == ("against", "computed", (seq,))


def test_verifiable_for_with_private_monitoring_and_counsel() -> None:
    """Rule: private monitoring and access to counsel promised, no failure: for."""
    story, rules = _counsel_story(MonitoringAccess(first_visit_within_days=21, private=True))
    story.returned()
    story.outcome(MonitoringVisit, "2020-03-30", by="UNHCR", private=True)
    assert _verifiable(story, rules).finding == "for"


def test_verifiable_unknown_without_counsel_or_privacy() -> None:
    """Rule: monitoring promised but not private, or no access to counsel: unknown."""
    story, _ = _given(MonitoringAccess(private=True))
    assert _verifiable(story).finding == "unknown"
    story, rules = _counsel_story(MonitoringAccess(private=False))
    assert _verifiable(story, rules).finding == "unknown"


def test_verifiable_unknown_when_a_failure_is_only_possible() -> None:
    """Rule: a visit missing by the day (a possible breach) keeps it from being for."""
    story, rules = _counsel_story(MonitoringAccess(first_visit_within_days=7, private=True))
    story.returned()
    found = _verifiable(story, rules)
    assert found.finding == "unknown"
    assert "possible" in found.explanation


@pytest.mark.parametrize(
    ("outcome", "fields"),
    [
        (MonitoringDenied, {"by": GIVER}),
        (MonitoringVisit, {"by": "UNHCR", "private": True, "on": "2020-05-20"}),  # late
        (MonitoringVisit, {"by": "UNHCR", "private": False}),  # not private
    ],
    ids=["denied", "late", "not-private"],
)
def test_verifiable_against_with_a_monitoring_failure(
    outcome: type, fields: dict[str, Any]
) -> None:
    """Rule: a monitoring_denied, a late or a non-private visit under this assurance is against."""
    story, rules = _counsel_story(MonitoringAccess(first_visit_within_days=21, private=True))
    story.returned()
    seq = story.outcome(outcome, fields.pop("on", "2020-03-30"), **fields)
    found = _verifiable(story, rules)
    assert found.finding == "against"
    assert seq in found.evidence


def test_verifiable_against_for_a_visit_not_private_even_if_not_promised() -> None:
    """Rule: a visit with officials present is against, though privacy was not promised."""
    story, _ = _given(MonitoringAccess(private=False))
    story.returned()
    seq = story.outcome(MonitoringVisit, "2020-03-30", by="UNHCR", private=False)
    found = _verifiable(story)
    assert found.finding == "against"
    assert seq in found.evidence


def test_verifiable_ignores_visits_of_claimants_not_covered() -> None:
    """Rule: only visits under this assurance (claimants it certainly covers) count."""
    story, _ = _given(MonitoringAccess(private=False), scope=Scope(nationalities=["VE"]))
    story.returned()  # Haitian: not covered
    story.outcome(MonitoringVisit, "2020-03-30", by="UNHCR", private=False)
    assert _verifiable(story).finding == "unknown"


# -- (x) prior_ill_treatment -------------------------------------------------------------


def _individual(on_ill_treatment: Any, by: str = GIVER) -> tuple[Story, int]:
    story = Story()
    story.returned(on="2020-03-01")
    seq = story.outcome(IllTreatment, on_ill_treatment, by=by, substantiated=True)
    story.give(HumaneTreatment(), scope=Scope(claimants=["c-1"]))
    return story, seq


def test_prior_ill_treatment_against_when_ill_treated_before_the_giving() -> None:
    """Rule: an individual assurance whose claimant the giver ill-treated before is against."""
    story, seq = _individual("2020-03-05")
    found = _factor(story, "prior_ill_treatment")
    assert (found.finding, found.basis) == ("against", "computed")
    assert seq in found.evidence


@pytest.mark.parametrize(
    ("on", "by"),
    [("2020-03-25", GIVER), ("2020-03-05", "MX"), ("2020-03", GIVER)],
    ids=["after-the-giving", "by-another-state", "maybe-before"],
)
def test_prior_ill_treatment_unknown_otherwise(on: str, by: str) -> None:
    """Rule: no ill-treatment by the giver certainly before the giving: unknown (computed)."""
    story, _ = _individual(on, by)
    found = _factor(story, "prior_ill_treatment")
    assert (found.finding, found.basis) == ("unknown", "computed")


def test_prior_ill_treatment_counts_only_what_is_on_record_by_the_day() -> None:
    """Rule: an ill-treatment dated after as_of is not yet a fact, even before the giving."""
    story, seq = _individual("2020-03-05")
    assert _factor(story, "prior_ill_treatment", "2020-03-04").finding == "unknown"
    assert seq in _factor(story, "prior_ill_treatment", "2020-03-05").evidence


def test_prior_ill_treatment_has_no_basis_for_a_general_assurance() -> None:
    """Rule: an assurance whose scope names no claimant has no one person: unknown, basis none."""
    story, _ = _given()
    found = _factor(story, "prior_ill_treatment")
    assert (found.finding, found.basis) == ("unknown", "none")


def test_prior_ill_treatment_for_only_when_assessed() -> None:
    """Rule: the ledger never computes for; an assessment can."""
    story, _ = _individual("2020-03-05")
    seq = story.add(_assessed("prior_ill_treatment", "for"))
    assert _factor(story, "prior_ill_treatment").evidence == (seq,)


# -- precedence --------------------------------------------------------------------------


def test_the_latest_assessment_wins_over_a_computed_finding() -> None:
    """Rule: an assessment as of the day decides a factor the ledger could compute."""
    story, _ = _given(disclosure="confidential")
    story.add(_assessed("terms_disclosed", "for", "2020-06-01"))
    assert _factor(story, "terms_disclosed").finding == "for"


def test_an_assessment_after_the_day_does_not_count() -> None:
    """Rule: an assessment dated after as_of (or possibly after it) is not yet a fact."""
    story, _ = _given(disclosure="confidential")
    story.add(_assessed("terms_disclosed", "for", "2020-07-15"))
    story.add(_assessed("terms_disclosed", "for", "2020-06", assessment_id="e-2"))
    found = _factor(story, "terms_disclosed", "2020-06-20")
    assert (found.finding, found.basis) == ("against", "computed")
    assert _factor(story, "terms_disclosed", "2020-07-15").basis == "assessed"


def test_the_latest_dated_assessment_wins_then_the_last_recorded() -> None:
    """Rule: latest by latest possible day, then earliest possible day, then seq."""
    story, _ = _given()
    later = story.add(_assessed("court_examined", "against", "2020-05-10", assessment_id="e-1"))
    story.add(_assessed("court_examined", "for", "2020-05-01", assessment_id="e-2"))
    assert _factor(story, "court_examined").evidence == (later,)
    same_day = story.add(_assessed("court_examined", "unknown", "2020-05-10", assessment_id="e-3"))
    assert _factor(story, "court_examined").evidence == (same_day,)
    month = story.add(_assessed("court_examined", "for", "2020-05", assessment_id="e-4"))
    assert _factor(story, "court_examined").evidence == (month,)


def test_an_assessment_of_another_assurance_does_not_count() -> None:
    """Rule: only assessments naming the profiled assurance count."""
    story = _record_story()
    story.add(_assessed("court_examined", "for", assurance_id="a-2"))
    assert _factor(story, "court_examined").basis == "none"
    assert _factor(story, "court_examined", assurance_id="a-2").basis == "assessed"


# -- the value and its forms -------------------------------------------------------------


def _example(as_of: str = AS_OF) -> Profile:
    story, _ = _given(DetentionLimit(max_days=14), disclosure="public")
    story.add(_assessed("court_examined", "against", note='<script>alert("x")</script>'))
    return profile(story.ledger, "a-1", as_of)


def test_the_profile_lists_the_eleven_factors_in_order_and_counts_them() -> None:
    """Rule: eleven factors in DOMAIN's order; the summary counts each finding."""
    found = _example()
    assert tuple(f.factor for f in found.factors) == FACTORS == get_args(Factor)
    assert len(FACTORS) == 11
    counts = found.summary
    assert sum(counts.values()) == 11
    assert counts == {k: sum(f.finding == k for f in found.factors) for k in FINDINGS}
    with pytest.raises(KeyError):
        found["no_such_factor"]


def test_the_json_has_the_format_shape_and_validates_against_its_schema() -> None:
    """Rule: JSON {assurance_id, as_of, factors[...], summary}, valid under schema profile."""
    document = _example().to_json()
    assert list(document) == ["assurance_id", "as_of", "factors", "summary"]
    assert document["as_of"] == AS_OF
    assert list(document["factors"][0]) == ["factor", "finding", "basis", "evidence", "explanation"]
    assert list(document["summary"]) == ["for", "against", "unknown"]
    jsonschema.Draft202012Validator(json_schema("profile")).validate(document)
    swapped = {**document, "factors": document["factors"][::-1]}
    assert not jsonschema.Draft202012Validator(json_schema("profile")).is_valid(swapped)


def test_the_html_escapes_every_string_from_the_ledger() -> None:
    """Rule: a note's markup is shown as text in the HTML, never run."""
    page = _example()._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert page.count("<tr>") == 12


def test_the_text_and_rows_show_every_factor() -> None:
    """Rule: the text has a line per factor; to_records one row per factor, its keys in order."""
    found = _example()
    text = str(found)
    assert all(f"{factor}:" in text for factor in FACTORS)
    rows = found.to_records()
    assert [tuple(row) for row in rows] == [PROFILE_ROW_FIELDS] * 11
    assert [row["factor"] for row in rows] == list(FACTORS)


def test_an_unknown_assurance_is_not_found_with_the_nearest_id() -> None:
    """Rule: profiling an id no given assurance has raises NotFound naming the nearest."""
    story, _ = _given()
    story.request("a-9")
    with pytest.raises(NotFound, match="did you mean 'a-1'"):
        profile(story.ledger, "a-l", AS_OF)
    with pytest.raises(NotFound):
        profile(story.ledger, "a-9", AS_OF)  # requested, never given


def test_the_day_must_be_one_day() -> None:
    """Rule: as_of is one exact day, as for check."""
    story, _ = _given()
    with pytest.raises(InvalidDate):
        profile(story.ledger, "a-1", "2020-06")


def test_profiles_gives_one_per_given_assurance_in_entry_order() -> None:
    """Rule: profiles() profiles every given assurance, in the order of the entries."""
    story = _record_story()
    assert [p.assurance_id for p in profiles(story.ledger, AS_OF)] == ["a-2", "a-1"]
    assert profiles(story.ledger, AS_OF)[1] == profile(story.ledger, "a-1", AS_OF)


# -- compliance_record agrees with check -------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ledger=als.ledgers(min_size=5, max_size=40),
    as_of=st.dates(dt.date(2019, 6, 1), dt.date(2021, 9, 1)),
)
def test_compliance_record_agrees_with_check(ledger: Ledger, as_of: dt.date) -> None:
    """Rule: compliance_record agrees with check on the same ledger.

    It is against exactly when check finds a certain breach of another of the
    giver's assurances to the recipient, cites those breaches, and is for only
    when check finds no breach of them at all.
    """
    found = profiles(ledger, as_of)
    if len(found) < 2:  # needs two or more assurances from one giver
        return
    report = check(ledger, as_of)
    for each in found:
        others = {p.assurance_id for p in found} - {each.assurance_id}
        theirs = [b for b in report.breaches if b.assurance_id in others]
        certain = [b for b in theirs if b.certainty == "certain"]
        record = each["compliance_record"]
        assert record.basis in {"computed", "assessed"}
        if record.basis == "assessed":
            continue
        assert (record.finding == "against") == bool(certain)
        for breach in certain:
            assert set(breach.evidence) <= set(record.evidence)
        if record.finding == "for":
            assert not theirs


# -- the assessment record: validated, appended, corrected, viewed as recorded ----------


def test_an_assessment_must_name_an_assurance_recorded_earlier() -> None:
    """Rule: an assessment whose assurance_id names no assurance is refused, naming the field."""
    story = Story()
    with pytest.raises(RecordRefused) as caught:
        story.add(_assessed("specific", "for"))
    assert caught.value.field == "assurance_id"
    story.request("a-1")  # a requested assurance is an assurance of the ledger
    assert story.add(_assessed("specific", "for")) == 2


def test_an_assessment_id_is_used_once_even_after_a_retraction() -> None:
    """Rule: assessment ids are unique, and a retracted one is never used again."""
    story, _ = _given()
    seq = story.add(_assessed("specific", "for"))
    with pytest.raises(RecordRefused, match="assessment_id"):
        story.add(_assessed("court_examined", "for"))
    story.add(Correction(target=seq, replacement=None, reason="Recorded in error."))
    with pytest.raises(RecordRefused, match="assessment_id"):
        story.add(_assessed("court_examined", "for"))


def test_the_assurance_of_an_assessment_cannot_be_retracted_from_under_it() -> None:
    """Rule: a correction that would leave an assessment naming no assurance is refused."""
    story, given_at = _given()
    story.add(_assessed("specific", "for"))
    with pytest.raises(RecordRefused, match="would break"):
        story.add(Correction(target=given_at, replacement=None, reason="Never given."))


def test_a_corrected_assessment_counts_as_corrected_and_as_recorded_before() -> None:
    """Rule: a correction applies from when it is recorded; the older view keeps the old finding."""
    ledger = Ledger()
    wrong = _assessed("court_examined", "against")
    entries = [
        (story_given(), "2020-07-01T00:00:00Z"),
        (wrong, "2020-07-02T00:00:00Z"),
        (
            Correction(target=2, replacement=attrs.evolve(wrong, finding="for"), reason="Misread."),
            "2020-07-03T00:00:00Z",
        ),
    ]
    for record, at in entries:
        ledger.append(record, recorded_by=RECIPIENT, recorded_at=at)
    assert profile(ledger, "a-1", AS_OF)["court_examined"].finding == "for"
    before = ledger.as_recorded("2020-07-02T12:00:00Z")
    assert profile(before, "a-1", AS_OF)["court_examined"].finding == "against"


def story_given() -> Any:
    """The story's assurance a-1, as Story.give records it."""
    return given_record("a-1", commitments=(HumaneTreatment(),))


def test_an_assessment_round_trips_and_refuses_an_unknown_factor() -> None:
    """Rule: the codec writes and reads an assessment; a factor not among the eleven is refused."""
    record = _assessed("verifiable", "unknown", "2020-05", note="Visits are announced.")
    assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record
    bad = {**DEFAULT_CODEC.to_json(record), "factor": "trust"}
    with pytest.raises(InvalidRecord) as caught:
        DEFAULT_CODEC.from_json(bad)
    assert caught.value.field == "factor"
    with pytest.raises(InvalidRecord):
        DEFAULT_CODEC.from_json({**DEFAULT_CODEC.to_json(record), "finding": "maybe"})


def test_assessments_do_not_change_the_report() -> None:
    """Rule: check decides breaches only; assessments never change its report."""
    story = _record_story()
    story.returned(on="2020-03-05")
    story.outcome(IllTreatment, "2020-03-10", by=GIVER, substantiated=True)
    before = check(story.ledger, AS_OF)
    story.add(_assessed("compliance_record", "for"))
    assert check(story.ledger, AS_OF) == before
