"""A real SMTP server for the tests (aiosmtpd), on a free local port, that keeps what it
receives."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.text())


class _Keeper:
    def __init__(self, inbox: list[Received], lock: threading.Lock) -> None:
        self.inbox = inbox
        self.lock = lock

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.inbox.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """Started and stopped at will, on the same port, so a test can take the server down."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            _Keeper(self.inbox, self._lock), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.inbox)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The messages once at least ``count`` arrived (delivery after a request runs when
        its response is closed)."""
        deadline = time.monotonic() + timeout
        while len(self.received()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received()

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received() if address in item.recipients]
