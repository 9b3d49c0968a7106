"""The sign-in URL as a QR code in the terminal, when it fits (phones scan it).

Half-block characters, light modules drawn (for the usual dark terminal background);
None when segno is missing, the terminal cannot show the blocks, or it is too small.
"""

from __future__ import annotations

import io

BORDER = 2


def terminal_qr(text: str, columns: int, lines: int, encoding: str | None) -> str | None:
    try:
        import segno
    except ImportError:
        return None
    try:
        "▀▄█".encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return None
    code = segno.make(text, error="l", micro=False)
    width, height = code.symbol_size(border=BORDER)
    if width > columns or (height + 1) // 2 > lines - 8:
        return None
    out = io.StringIO()
    code.terminal(out=out, compact=True, border=BORDER)
    return out.getvalue()
