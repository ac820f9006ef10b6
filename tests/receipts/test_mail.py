"""Emailed receipts: addresses checked and masked, the message, and sending it to a real SMTP
server on loopback (aiosmtpd) in the clear, over STARTTLS and over TLS, with a login."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pos_app.host.settings import EmailSettings
from pos_app.receipts.document import Receipt, ReceiptKind, Text, Title
from pos_app.receipts.mail import (
    EmailFailed,
    check_email,
    mask_email,
    receipt_message,
    send_receipt,
)

AT = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
CUSTOMER = "ada.lovelace@example.com"
USER, PASSWORD = "shop", "s3cret-smtp"
PNG = b"\x89PNG\r\n\x1a\n a picture of the receipt"


def a_receipt(check_id: str = "c1") -> Receipt:
    blocks = (Title("Ada's Cafe"), Text("Lunch special", "$10.00"), Text("TOTAL", "$10.89"))
    return Receipt(ReceiptKind.SALE, check_id, "2611230001", 32, blocks, AT)


# ----- a mail server on loopback --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def certificate() -> tuple[bytes, bytes]:
    """A self-signed certificate for 127.0.0.1, and its key, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class MailServer:
    """aiosmtpd on 127.0.0.1: keeps every message, refuses the addresses in ``refuse``
    (``{address: "550 ..."}``), logs in ``USER``/``PASSWORD``. ``security`` is how clients
    must talk to it: ``starttls``, ``tls`` or ``none``."""

    def __init__(self, tmp_path, security: str = "starttls", port: int | None = None) -> None:
        self.security = security
        self.port = port or free_port()
        self.messages: list = []
        self.refuse: dict[str, str] = {}
        self.logins: list[bool] = []
        self.tls_sessions: list[bool] = []
        self._lock = threading.Lock()
        cert, key = certificate()
        (tmp_path / "smtp-cert.pem").write_bytes(cert)
        (tmp_path / "smtp-key.pem").write_bytes(key)
        self._server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._server_tls.load_cert_chain(tmp_path / "smtp-cert.pem", tmp_path / "smtp-key.pem")
        self.client_tls = ssl.create_default_context(cadata=cert.decode())
        self._controller: Controller | None = None

    def settings(self, **changes) -> EmailSettings:
        values = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "user": USER if self.security != "none" else "",
            "sender": "receipts@adas-cafe.example",
            "timeout": 5.0,
        }
        return EmailSettings(**{**values, **changes})

    def start(self) -> None:
        starttls = self.security == "starttls"
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="mail.test",
            ssl_context=self._server_tls if self.security == "tls" else None,
            authenticator=self._authenticate,
            # implicit TLS is TLS too, but aiosmtpd counts only STARTTLS; "none" offers a login
            # in the clear, which the register must still refuse to use
            auth_require_tls=starttls,
            tls_context=self._server_tls if starttls else None,
            require_starttls=starttls,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received(self) -> list:
        with self._lock:
            return list(self.messages)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        self.logins.append(ok)
        return AuthResult(success=ok, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.tls_sessions.append(server.transport.get_extra_info("ssl_object") is not None)
            self.messages.append(message_from_bytes(envelope.original_content, policy=default))
        return "250 Message accepted for delivery"


def mail_servers(tmp_path):
    """What the ``mail_server`` fixture is: ``start(security, port, on=True)`` makes a
    :class:`MailServer`, started unless ``on`` is false; all are stopped at the end."""
    servers: list[MailServer] = []

    def start(security: str = "starttls", port: int | None = None, *, on: bool = True):
        server = MailServer(tmp_path, security, port)
        if on:
            server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


_mail_server = pytest.fixture(name="mail_server")(mail_servers)


def a_message(to: str = CUSTOMER, png: bytes | None = PNG):
    return receipt_message(
        a_receipt(), sender="receipts@adas-cafe.example", to=to, png=png, merchant="Ada's Cafe"
    )


# ----- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("ada@example.com", "a•••@e•••.com"),
        ("Bob.Smith@mail.example.co.uk", "B•••@m•••.uk"),
        ("x@localhost", "x•••@l•••"),
        ("not an address", "•••"),
        ("@example.com", "•••"),
    ],
)
def test_an_address_is_masked_so_a_person_can_still_recognise_it(address, masked):
    assert mask_email(address) == masked


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada.Lovelace@EXAMPLE.com \n", "Ada.Lovelace@example.com"),
        ("a+receipts@sub.example.org", "a+receipts@sub.example.org"),
        ("ada@Bücher.example", "ada@xn--bcher-kva.example"),
    ],
)
def test_a_typed_address_is_checked_and_normalised(typed, address):
    assert check_email(typed) == address


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ada",
        "ada@",
        "@shop.example",
        "ada@@example.com",
        "ada lovelace@example.com",
        "Ada <ada@example.com>",
        "ada@example.com, bob@example.com",
        "ada@localhost",
        "ada@[127.0.0.1]",
        "ada@exa_mple.com",
        "ada@-example.com",
        "ada@example.com\nBcc: everyone@example.com",
        "a" * 250 + "@example.com",
    ],
)
def test_what_is_not_one_address_is_refused_in_plain_words_without_echoing_it(typed):
    with pytest.raises(ValueError, match=r"email address|Type the") as refused:
        check_email(typed)
    assert not typed.strip() or typed.strip() not in str(refused.value)


# ----- the message ----------------------------------------------------------------------------


def test_the_message_carries_the_receipts_text_and_its_picture_inline():
    message = a_message()
    assert message["Subject"] == "Your receipt from Ada's Cafe — check 2611230001"
    assert message["To"] == CUSTOMER
    assert message["From"].addresses[0].display_name == "Ada's Cafe"
    assert message.get_body(("plain",)).get_content() == a_receipt().text()
    html = message.get_body(("html",))
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image.get_content() == PNG
    assert f'src="cid:{image["Content-ID"][1:-1]}"' in html.get_content()
    assert image.get_content_disposition() == "inline"


def test_without_a_picture_the_message_is_its_text_alone():
    message = receipt_message(a_receipt(), sender="r@shop.example", to=CUSTOMER, png=None)
    assert message.get_content_type() == "text/plain"
    assert message["Subject"] == "Your receipt — check 2611230001"
    assert "Lunch special" in message.get_content()


# ----- sending --------------------------------------------------------------------------------


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_receipt_is_delivered_over_tls_after_logging_in(mail_server, security):
    server = mail_server(security)
    send_receipt(a_message(), server.settings(), PASSWORD, ssl_context=server.client_tls)
    [received] = server.received()
    assert received["Subject"] == "Your receipt from Ada's Cafe — check 2611230001"
    assert received["To"] == CUSTOMER
    assert "Lunch special" in received.get_body(("plain",)).get_content()
    [image] = [part for part in received.walk() if part.get_content_type() == "image/png"]
    assert image.get_content() == PNG
    assert server.logins == [True]
    assert server.tls_sessions == [True]


def test_a_relay_without_tls_gets_the_receipt_but_never_a_password(mail_server):
    server = mail_server("none")
    send_receipt(a_message(), server.settings(), None)
    assert len(server.received()) == 1
    assert server.logins == []
    with pytest.raises(EmailFailed, match="never sent without TLS") as refused:
        send_receipt(a_message(), server.settings(user=USER), PASSWORD)
    assert refused.value.setup
    assert not refused.value.permanent
    assert server.logins == []
    assert len(server.received()) == 1


def test_a_server_without_starttls_is_a_setup_problem(mail_server):
    server = mail_server("none")
    with pytest.raises(EmailFailed, match="does not offer STARTTLS") as refused:
        send_receipt(a_message(), server.settings(security="starttls", user=USER), PASSWORD)
    assert (refused.value.permanent, refused.value.setup) == (False, True)
    assert server.received() == []


@pytest.mark.parametrize("password", ["wrong", None])
def test_a_refused_or_missing_login_says_to_check_the_login(mail_server, password):
    server = mail_server("starttls")
    with pytest.raises(EmailFailed, match=r"email\.user|email password") as refused:
        send_receipt(a_message(), server.settings(), password, ssl_context=server.client_tls)
    assert (refused.value.permanent, refused.value.setup) == (False, True)
    assert PASSWORD not in str(refused.value)
    assert server.received() == []


def test_a_refused_address_fails_for_good_and_is_named_masked(mail_server):
    server = mail_server("starttls")
    server.refuse[CUSTOMER] = f"550 5.1.1 <{CUSTOMER}>: Recipient address rejected"
    with pytest.raises(EmailFailed, match=r"refused the address a•••@e•••\.com") as refused:
        send_receipt(a_message(), server.settings(), PASSWORD, ssl_context=server.client_tls)
    assert refused.value.permanent
    assert "550" in str(refused.value)
    assert "lovelace" not in str(refused.value).lower()


def test_an_address_refused_for_now_is_tried_again(mail_server):
    server = mail_server("starttls")
    server.refuse[CUSTOMER] = "450 4.2.0 Greylisted, try again later"
    with pytest.raises(EmailFailed, match="450") as refused:
        send_receipt(a_message(), server.settings(), PASSWORD, ssl_context=server.client_tls)
    assert not refused.value.permanent


def test_a_server_that_is_down_or_untrusted_or_silent_is_tried_again(mail_server, tmp_path):
    settings = EmailSettings(host="127.0.0.1", port=free_port(), security="tls", timeout=2)
    with pytest.raises(EmailFailed, match="refused the connection") as down:
        send_receipt(a_message(), settings, None)
    assert not down.value.permanent

    server = mail_server("tls")
    with pytest.raises(EmailFailed, match=r"secure \(TLS\) connection .* failed") as untrusted:
        send_receipt(a_message(), server.settings(), PASSWORD)  # the system's trust store
    assert not untrusted.value.permanent
    assert server.received() == []

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        quiet = EmailSettings(
            host="127.0.0.1", port=silent.getsockname()[1], security="none", timeout=0.3
        )
        with pytest.raises(EmailFailed, match=r"did not answer within 0\.3 s") as slow:
            send_receipt(a_message(), quiet, None)
    assert not slow.value.permanent


def test_email_that_is_not_set_up_is_said_so():
    with pytest.raises(EmailFailed, match=r"set email\.host") as refused:
        send_receipt(a_message(), EmailSettings(), None)
    assert refused.value.setup
