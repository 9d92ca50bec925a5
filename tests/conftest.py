"""Test configuration: hypothesis profiles.

Profiles (choose with ``HYPOTHESIS_PROFILE``; CI, where ``CI`` is set, uses ``ci``):

``dev``
    the default on a workstation: quick.
``ci``
    what ``.ci/run`` uses: more examples, no deadline (the 2-core CI machine is
    shared), and every failing example printed with its reproduction blob.
``long``
    a long fuzzing run for before a release: ``HYPOTHESIS_PROFILE=long pytest``.
"""

import os

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
