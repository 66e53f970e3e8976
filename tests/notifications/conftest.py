"""Notification fixtures: the fake SMTP server and the app configured to send through it; the workflow's office."""

import pytest

from tests.notifications.fake_smtp import FakeSmtpServer
from tests.workflow.conftest import deploy_process, office  # noqa: F401  (fixtures reused here)


def smtp_config(port: int) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USER": "",
        "SMTP_FROM": "Văn phòng Sở Nội vụ <qlvb@snv.example.gov.vn>",
        "SMTP_TIMEOUT_SECONDS": 5,
        "PUBLIC_URL": "https://qlvb.example.gov.vn",
    }


@pytest.fixture
def smtp_server():
    server = FakeSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(app, smtp_server, monkeypatch):
    """SMTP configured to the fake server for this test only."""
    for key, value in smtp_config(smtp_server.port).items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server
