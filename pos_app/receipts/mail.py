"""Receipts by email: checking and masking addresses, the message, sending it over SMTP.

An address is named in messages and logs only masked (:func:`mask_email`). Sending fails with
:class:`EmailFailed`, in plain words, saying whether trying again can help (a refused address
cannot) and whether the register's email settings need fixing (a refused login).
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from typing import TYPE_CHECKING

from pos_app.host.settings import EmailSettings

if TYPE_CHECKING:
    from pos_app.receipts.document import Receipt

_HIDDEN = "•••"
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_ADDRESS_LIKE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
_NOT_AN_ADDRESS = "That is not an email address: it should look like name@example.com."


class EmailFailed(Exception):
    """A receipt that could not be emailed: the message in plain words, addresses masked.

    ``permanent``: trying again cannot help (the server refused the address for good).
    ``setup``: the register's email settings or password need fixing.
    """

    def __init__(self, message: str, *, permanent: bool, setup: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.setup = setup


def mask_email(address: str) -> str:
    """``ada@example.com`` → ``a•••@e•••.com``: enough for a person to recognise it."""
    local, at, domain = address.strip().rpartition("@")
    if not (at and local and domain):
        return _HIDDEN
    name, dot, top = domain.rpartition(".")
    return f"{local[0]}{_HIDDEN}@{domain[0]}{_HIDDEN}" + (f".{top}" if dot and name else "")


def check_email(text: str) -> str:
    """The address in ``text``, its domain in lower-case ASCII (an international domain in
    its ``xn--`` form, which every mail server takes); ValueError in plain words if it is not
    one address a receipt can go to."""
    text = text.strip()
    if not text:
        raise ValueError("Type the customer's email address.")
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError):
        raise ValueError(_NOT_AN_ADDRESS) from None
    domain = address.domain.lower()
    try:
        labels = domain.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        raise ValueError(_NOT_AN_ADDRESS) from None
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(
            "That email address's domain (after the @) is not one mail can go to: check it."
        )
    normalised = Address(username=address.username, domain=".".join(labels)).addr_spec
    if len(normalised) > 254:
        raise ValueError("That email address is too long to be real: check it.")
    return normalised


def receipt_message(
    receipt: Receipt, *, sender: str, to: str, png: bytes | None, merchant: str = ""
) -> EmailMessage:
    """The email of ``receipt``: its text as the body, and, with ``png``, an HTML version
    showing the receipt's picture inline."""
    sender_address = Address(display_name=merchant, addr_spec=sender)
    message = EmailMessage()
    store = f" from {merchant}" if merchant else ""
    message["Subject"] = f"Your receipt{store} — check {receipt.identifier}"
    message["From"] = sender_address
    message["To"] = Address(addr_spec=to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender_address.domain or "levelup-pos.invalid")
    message.set_content(receipt.text())
    if png is not None:
        cid = make_msgid(domain=sender_address.domain or "levelup-pos.invalid")
        alt = escape(f"Receipt{store}, check {receipt.identifier}")
        message.add_alternative(
            f'<!DOCTYPE html><html><body><img src="cid:{cid[1:-1]}" alt="{alt}" '
            'style="max-width:100%"></body></html>',
            subtype="html",
        )
        html = message.get_body(("html",))
        assert isinstance(html, EmailMessage)
        html.add_related(png, "image", "png", cid=cid, disposition="inline", filename="receipt.png")
    return message


def send_receipt(
    message: EmailMessage,
    settings: EmailSettings,
    password: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Send ``message`` through the merchant's SMTP server; :class:`EmailFailed` if it cannot.

    ``security``: ``tls`` connects over TLS, ``starttls`` upgrades the connection before
    anything else is said, ``none`` sends in the clear (a relay on this network: it never logs
    in, so a password never travels unencrypted).
    """
    server = f"{settings.host}:{settings.port}"
    if not settings.host:
        raise EmailFailed("Email is not set up: set email.host.", permanent=False, setup=True)
    context = ssl_context or ssl.create_default_context()
    try:
        smtp = (
            smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
            if settings.security == "tls"
            else smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        )
        with smtp:
            if settings.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise EmailFailed(
                        f"The mail server at {server} does not offer STARTTLS: set "
                        "email.security to tls (and email.port, often 465), or ask the provider.",
                        permanent=False,
                        setup=True,
                    )
                smtp.starttls(context=context)
            if settings.user:
                _log_in(smtp, settings, password, server)
            smtp.send_message(message)
    except EmailFailed:
        raise
    except smtplib.SMTPException as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib's word for a silent server
            raise _silent(server, settings.timeout) from None
        raise _refused(exc, server) from None
    except ssl.SSLError as exc:
        raise EmailFailed(
            f"A secure (TLS) connection to the mail server at {server} failed "
            f"({exc.reason or exc.__class__.__name__}): check email.security and email.port.",
            permanent=False,
        ) from None
    except TimeoutError:
        raise _silent(server, settings.timeout) from None
    except socket.gaierror:
        raise EmailFailed(
            f"The mail server {settings.host} cannot be found: check email.host and the network.",
            permanent=False,
        ) from None
    except ConnectionRefusedError:
        raise EmailFailed(
            f"The mail server at {server} refused the connection: is email.port right?",
            permanent=False,
        ) from None
    except OSError as exc:
        raise EmailFailed(
            f"The mail server at {server} cannot be reached ({exc.strerror or exc}).",
            permanent=False,
        ) from None


def _log_in(smtp: smtplib.SMTP, settings: EmailSettings, password: str | None, server: str) -> None:
    if settings.security == "none":
        raise EmailFailed(
            "The SMTP password is never sent without TLS: set email.security to starttls or "
            "tls, or clear email.user for a relay that needs no login.",
            permanent=False,
            setup=True,
        )
    if not password:
        raise EmailFailed(
            f"No SMTP password is stored for email.user at {server}: set it with "
            "levelup-pos email password.",
            permanent=False,
            setup=True,
        )
    smtp.login(settings.user, password)


def _silent(server: str, timeout: float) -> EmailFailed:
    return EmailFailed(
        f"The mail server at {server} did not answer within {timeout:g} s.", permanent=False
    )


def _refused(exc: smtplib.SMTPException, server: str) -> EmailFailed:
    """What an SMTP refusal means for this receipt, in words, with every address masked."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        [(address, (code, answer))] = list(exc.recipients.items())[:1]
        return EmailFailed(
            f"The mail server at {server} refused the address {mask_email(address)} "
            f"({_said(code, answer)})" + (": check it with the customer." if code >= 500 else "."),
            permanent=code >= 500,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return EmailFailed(
            f"The mail server at {server} does not offer what email needs here ({exc}): check "
            "email.security, and clear email.user if it takes no login.",
            permanent=False,
            setup=True,
        )
    if not isinstance(exc, smtplib.SMTPResponseException):
        return EmailFailed(
            f"The mail server at {server} closed the connection ({exc.__class__.__name__}).",
            permanent=False,
        )
    said = _said(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return EmailFailed(
            f"The mail server at {server} refused the login ({said}): check email.user and "
            "the SMTP password (levelup-pos email password).",
            permanent=False,
            setup=True,
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return EmailFailed(
            f"The mail server at {server} refused the sender {mask_email(exc.sender)} "
            f"({said}): check email.sender.",
            permanent=False,
            setup=True,
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return EmailFailed(
            f"The mail server at {server} refused the receipt ({said}).",
            permanent=exc.smtp_code >= 500,
        )
    return EmailFailed(f"The mail server at {server} answered {said}.", permanent=False)


def _said(code: int, said: bytes | str) -> str:
    """The server's answer, short, with any address in it masked."""
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    text = _ADDRESS_LIKE.sub(lambda match: mask_email(match.group()), " ".join(text.split()))
    return f"{code} {text[:160]}".strip()
