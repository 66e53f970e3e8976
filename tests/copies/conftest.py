"""Copies reuse the outgoing office: an agency with a clerk, a seal key, a trusted demo root and other agencies."""

from tests.outgoing.conftest import demo_pki, outgoing_office, trusted_demo  # noqa: F401
from tests.workflow.conftest import office  # noqa: F401
