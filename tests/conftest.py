"""Test configuration: hypothesis profiles.

Profiles (choose with ``HYPOTHESIS_PROFILE``; CI, where ``CI`` is set, uses ``ci``):

``dev``
    the default on a workstation: quick.
``ci``
    what ``.ci/run`` uses: more examples, no deadline (the 2-core CI machine is
    shared), and every failing example printed with its reproduction blob.
``long``
    a long fuzzing run for before a release: ``HYPOTHESIS_PROFILE=long pytest``.

Ledgers opened by the tests keep their snapshots, and the snapshots' key, in a
folder of the test run's own (removed at its end), not in the user's cache.
"""

import atexit
import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

_SNAPSHOTS = tempfile.mkdtemp(prefix="assurance-ledger-test-snapshots-")
atexit.register(shutil.rmtree, _SNAPSHOTS, ignore_errors=True)
os.environ["ASSURANCE_LEDGER_SNAPSHOT_DIR"] = os.path.join(_SNAPSHOTS, "snapshots")
os.environ["ASSURANCE_LEDGER_SNAPSHOT_KEY"] = os.path.join(_SNAPSHOTS, "snapshot.key")
os.mkdir(os.environ["ASSURANCE_LEDGER_SNAPSHOT_DIR"])
