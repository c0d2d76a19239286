"""Fixtures for tests that run a whole deployment as separate OS processes."""
from __future__ import annotations

import pytest

from tests.deployment.harness import Deployment
from tests.scheduler.smtp import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def deployment(database_url, smtp, tmp_path):
    running = Deployment(tmp_path, database_url, smtp.port)
    running.populate()
    yield running
    running.close()
