"""Email in the terminal for `make run`: Django's console backend prints the raw MIME
message, whose Chinese subject is an unreadable `=?utf-8?b?...?=`; this one prints the
headers as they read, then the text, so the demo's notification mail can be read there."""

from __future__ import annotations

import sys
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend


class ReadableConsoleEmailBackend(ConsoleEmailBackend):
    """`EMAIL_BACKEND = "fraudops.core.mail.ReadableConsoleEmailBackend"` (the dev default)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The process's own stdout: a Celery worker (which sends the mail in `make run`)
        # replaces sys.stdout with a logger that would prefix every line with a log header.
        kwargs.setdefault("stream", sys.__stdout__ or sys.stdout)
        super().__init__(*args, **kwargs)

    def write_message(self, message: EmailMessage) -> None:
        header = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
        ]
        self.stream.write("\n".join([*header, "", message.body.rstrip("\n"), ""]))
        self.stream.write("-" * 79)
        self.stream.write("\n")
