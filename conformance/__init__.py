"""The conformance stage: run sonobuoy, read its results, gate CI honestly, build a CNCF bundle.

Modules: models (contracts, incl. CheckResult for checks/ and parity), sonobuoy (CLI wrapper),
results (Reader over tarball|dir), gate (known failures), junit (writer), bundle (CNCF folder),
stage (end to end). Native readiness checks live in conformance/checks/, parity in parity.py.
"""

from conformance.models import (
    BundleCheck,
    CheckResult,
    CheckStatus,
    ConformanceResult,
    KnownFailure,
    MatchedFailure,
    PluginError,
    ResultItem,
    TestCase,
)

__all__ = [
    "BundleCheck",
    "CheckResult",
    "CheckStatus",
    "ConformanceResult",
    "KnownFailure",
    "MatchedFailure",
    "PluginError",
    "ResultItem",
    "TestCase",
]
