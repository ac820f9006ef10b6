"""Receipt printers by URL (being written)."""


class PrinterUrlError(ValueError):
    """A printer URL that cannot be used."""


def parse_printer_url(text: str) -> None:
    if text.strip() not in ("", "none"):
        raise PrinterUrlError("Printer URLs are not supported yet.")
