"""A real SMTP server on localhost (aiosmtpd) that can be told to refuse mail, or to be slow."""
from __future__ import annotations

import asyncio
import email
import socket
import time
from email.parser import BytesHeaderParser
from email.policy import default

from aiosmtpd.controller import Controller

_HEADERS = BytesHeaderParser()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every accepted message; `refuse` makes DATA fail with 451.
    A slow server: each recipient is held `delay` seconds (the next ones `slow_next`, in turn)
    before it is accepted, so a client killed meanwhile has sent nothing. `arrived` notes when
    (time.monotonic()) each message came."""

    def __init__(self):
        self.received: list[bytes] = []
        self._parsed: list[email.message.EmailMessage] = []
        self.arrived: list[float] = []
        self.refuse = False
        self.delay = 0.0
        self.slow_next: list[float] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        delay = self.slow_next.pop(0) if self.slow_next else self.delay
        if delay:
            await asyncio.sleep(delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Mail server temporarily unavailable"
        self.received.append(envelope.content)
        self.arrived.append(time.monotonic())
        return "250 OK"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        """Every accepted message, parsed (here, not while the server holds the client)."""
        for content in self.received[len(self._parsed):]:
            self._parsed.append(email.message_from_bytes(content, policy=default))
        return list(self._parsed)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def refs(self) -> list[str]:
        """The outbox row (X-Dondoc-Ref) of every message, in arrival order (headers only,
        read plainly: quick for a thousand)."""
        return [_HEADERS.parsebytes(content)["X-Dondoc-Ref"] for content in list(self.received)]


class SmtpServer:
    def __init__(self, **options):
        """`options` go to aiosmtpd's SMTP: tls_context and require_starttls, authenticator and auth_required…"""
        self.inbox = Inbox()
        self.port = free_port()
        self._options = options
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        """Listen (again) on the same port."""
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self._options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
