"""A small SMTP server on 127.0.0.1 for the tests (Python 3.12 has no smtpd): it keeps what it receives and can be
told to fail, so the sender is exercised against a real socket and smtplib's real protocol handling."""

import socketserver
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: FakeSmtpServer = self.server  # type: ignore[assignment]
        if server.greeting_failure:
            self.reply(server.greeting_failure)
            return
        self.reply("220 fake.example ESMTP")
        mail_from, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-fake.example\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self.reply("250 fake.example")
            elif verb == "MAIL":
                mail_from, recipients = command[10:].strip("<> "), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command[8:].strip("<> ")
                if address in server.rejected:
                    self.reply("550 5.1.1 Không có hộp thư này")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if server.data_failure:
                    self.reply(server.data_failure)
                else:
                    server.keep(mail_from, recipients, data)
                    self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class FakeSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.received: list[tuple[str, list[str], bytes]] = []
        self.greeting_failure: str | None = None  # e.g. "421 4.3.2 Service not available": the server is down
        self.data_failure: str | None = None  # e.g. "451 4.3.0 Try again later" after DATA
        self.rejected: set[str] = set()  # addresses answered 550
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def keep(self, mail_from, recipients, data: bytes) -> None:
        with self._lock:
            self.received.append((mail_from, list(recipients), data))

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [message_from_bytes(data, policy=default_policy) for _f, _r, data in self.received]

    def start(self) -> "FakeSmtpServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
