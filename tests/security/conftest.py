"""The web UI's fixtures (the app over the test engine, signed-in browsers) for the security tests."""
from tests.webui.conftest import app, browser  # noqa: F401
