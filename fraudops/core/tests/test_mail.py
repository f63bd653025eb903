"""`make run` prints mail in the terminal with its subject as it reads, not MIME-encoded."""

from __future__ import annotations

import io

from django.core.mail import EmailMessage

from fraudops.core.mail import ReadableConsoleEmailBackend
from fraudops.settings import dev


def test_the_console_mail_shows_a_chinese_subject_and_text_as_they_read():
    stream = io.StringIO()
    backend = ReadableConsoleEmailBackend(stream=stream)
    message = EmailMessage(
        "[FraudOps] 紧急:电信欺诈 FI-2026-000001",
        "尊敬的 北京分行运营监控:\n\n在 FraudOps 中打开:http://127.0.0.1:8000/incidents/\n",
        "fraudops@localhost",
        ["monitor_bj@demo-bank.example"],
    )
    assert backend.send_messages([message]) == 1
    printed = stream.getvalue()
    assert "Subject: [FraudOps] 紧急:电信欺诈 FI-2026-000001" in printed
    assert "To: monitor_bj@demo-bank.example" in printed
    assert "在 FraudOps 中打开:http://127.0.0.1:8000/incidents/" in printed
    assert "=?utf-8?" not in printed


def test_the_embedded_default_prints_mail_readably():
    assert dev.EMAIL_BACKEND == "fraudops.core.mail.ReadableConsoleEmailBackend"
