"""Home-page fixtures: the outgoing office (shipped processes, real keys, two receiving agencies), reused."""

from tests.outgoing.conftest import (  # noqa: F401  (fixtures)
    demo_pki,
    draft_bytes,
    office,
    outgoing_office,
    trusted_demo,
)
