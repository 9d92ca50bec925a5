"""assurance_ledger: a ledger of diplomatic assurances, returned claimants and outcomes.

The public API is re-exported here; ``__all__`` lists it. Start with
:class:`Codec` to read records, the record classes to build them, and
:class:`DateSpan` and :func:`parse_date` for imprecise dates.
"""

from __future__ import annotations

from .audit import (
    AuditFinding,
    CellRange,
    StatsAudit,
    audit_stats,
)
from .chain import (
    GENESIS,
    Entry,
    Verification,
    format_time,
    verify_lines,
)
from .checker import check
from .codec import (
    DEFAULT_CODEC,
    Codec,
    canonical_json,
    configure_converter,
    loads_json,
)
from .commitments import (
    BUILTIN_COMMITMENTS,
    AccessToProcedure,
    Commitment,
    DetentionLimit,
    HumaneTreatment,
    MonitoringAccess,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
)
from .countries import (
    COUNTRIES,
    country_name,
    is_country,
    is_party,
)
from .coverage import (
    ReturnCounts,
    ScopeIndex,
    covers,
)
from .csvout import (
    neutralise,
)
from .dates import (
    DateSpan,
    Precision,
    parse_date,
    to_span,
)
from .display import (
    one_line,
)
from .errors import (
    AuditError,
    ChainBroken,
    InvalidDate,
    InvalidRecord,
    InvalidRecords,
    LedgerError,
    ReadOnlyLedger,
    RecordRefused,
    StoreError,
    TornTail,
    format_path,
)
from .ledger import (
    Fact,
    Ledger,
)
from .monitor import (
    Changes,
    Monitor,
)
from .reconcile import (
    Discrepancy,
    EmptyLedger,
    Reconciliation,
    checkpoint_of,
    reconcile,
)
from .records import (
    RECORD_TYPES,
    AdmittedToProcedure,
    AssuranceDeclined,
    AssuranceGiven,
    AssuranceRecord,
    AssuranceRequested,
    AssuranceWithdrawn,
    Checkpoint,
    ClaimantReturned,
    ClaimDecided,
    ContactLost,
    Correction,
    Credibility,
    Crossing,
    Decision,
    Departed,
    Detained,
    Disclosure,
    Form,
    Ground,
    IllTreatment,
    MonitoringDenied,
    MonitoringVisit,
    Notified,
    Outcome,
    Record,
    Released,
    Reliability,
    Removed,
    Scope,
    Source,
)
from .report import (
    Breach,
    Exposure,
    PendingRequest,
    Report,
    Summary,
    UnassuredReturn,
)
from .rules import (
    NEEDS,
    READS,
    RULES,
    Case,
    Finding,
    Rule,
)
from .stats import (
    StatsError,
    StatsRow,
    StatsTable,
    Suppression,
    stats,
)
from .storage import (
    JsonLinesStore,
    Repair,
    SqliteStore,
    Store,
    open_store,
)
from .timeline import (
    Timeline,
    timeline,
)
from .truth import (
    Truth,
)

#: The version of this package (PEP 440), as ``assurance-ledger --version`` prints it.
__version__ = "0.1.0"

__all__ = [
    "BUILTIN_COMMITMENTS",
    "COUNTRIES",
    "DEFAULT_CODEC",
    "GENESIS",
    "NEEDS",
    "READS",
    "RECORD_TYPES",
    "RULES",
    "AccessToProcedure",
    "AdmittedToProcedure",
    "AssuranceDeclined",
    "AssuranceGiven",
    "AssuranceRecord",
    "AssuranceRequested",
    "AssuranceWithdrawn",
    "AuditError",
    "AuditFinding",
    "Breach",
    "Case",
    "CellRange",
    "ChainBroken",
    "Changes",
    "Checkpoint",
    "ClaimDecided",
    "ClaimantReturned",
    "Codec",
    "Commitment",
    "ContactLost",
    "Correction",
    "Credibility",
    "Crossing",
    "DateSpan",
    "Decision",
    "Departed",
    "Detained",
    "DetentionLimit",
    "Disclosure",
    "Discrepancy",
    "EmptyLedger",
    "Entry",
    "Exposure",
    "Fact",
    "Finding",
    "Form",
    "Ground",
    "HumaneTreatment",
    "IllTreatment",
    "InvalidDate",
    "InvalidRecord",
    "InvalidRecords",
    "JsonLinesStore",
    "Ledger",
    "LedgerError",
    "Monitor",
    "MonitoringAccess",
    "MonitoringDenied",
    "MonitoringVisit",
    "NoRemovalBeforeDecision",
    "NonRefoulement",
    "Notification",
    "Notified",
    "Outcome",
    "PendingRequest",
    "Precision",
    "ReadOnlyLedger",
    "Reconciliation",
    "Record",
    "RecordRefused",
    "Released",
    "Reliability",
    "Removed",
    "Repair",
    "Report",
    "ReturnCounts",
    "Rule",
    "Scope",
    "ScopeIndex",
    "Source",
    "SqliteStore",
    "StatsAudit",
    "StatsError",
    "StatsRow",
    "StatsTable",
    "Store",
    "StoreError",
    "Summary",
    "Suppression",
    "Timeline",
    "TornTail",
    "Truth",
    "UnassuredReturn",
    "Verification",
    "__version__",
    "audit_stats",
    "canonical_json",
    "check",
    "checkpoint_of",
    "configure_converter",
    "country_name",
    "covers",
    "format_path",
    "format_time",
    "is_country",
    "is_party",
    "loads_json",
    "neutralise",
    "one_line",
    "open_store",
    "parse_date",
    "reconcile",
    "stats",
    "timeline",
    "to_span",
    "verify_lines",
]
