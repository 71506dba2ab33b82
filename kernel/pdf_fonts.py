"""A font that renders Chinese in reportlab PDFs (the credit report, 检查通知书, 检查记录表).

A TrueType CJK font when one is configured or installed (Debian's fonts-wqy-microhei; embedded as
a subset, so the text can be searched and copied), else reportlab's built-in CID font
STSong-Light (Adobe's Asian font pack name: no file needed, the reader supplies the glyphs).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                   "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
                   "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
CID_FONT = "STSong-Light"
_registered: dict[str, str] = {}


def cjk_font(path: str | None = None) -> str:
    """The name of a registered font that renders Chinese: `path` if given and readable, else
    the first installed candidate, else STSong-Light."""
    key = path or ""
    if key not in _registered:
        name = None
        for candidate in ([path] if path else list(FONT_CANDIDATES)):
            if candidate and Path(candidate).is_file():
                try:
                    name = f"OpenCheckCJK{len(_registered)}"
                    pdfmetrics.registerFont(TTFont(name, candidate, subfontIndex=0))
                    break
                except Exception:  # noqa: BLE001 - an unreadable font file: try the next
                    name = None
        if name is None:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
            name = CID_FONT
        _registered[key] = name
    return _registered[key]
