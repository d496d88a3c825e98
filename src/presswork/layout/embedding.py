"""What a piece's PDF carries for the assembly (pdf/) beyond what WeasyPrint writes: the key that
marks a placeholder figure's image, and a stand-in for each book face's program."""

from __future__ import annotations

import hashlib

# presswork's key on the image XObject of a placeholder figure (pdf/placeholders.py, the preflight)
PLACEHOLDER_KEY = "PressworkPlaceholder"
_STAND_IN = b"\0presswork: the assembly embeds this face "


def stand_in(face: bytes) -> bytes:
    """What a piece's PDF embeds for a book face it uses, in place of a subset of the face's
    program: the assembly cuts one subset for the whole book from the face itself (pdf/subsets.py)
    and reads only the piece's widths and ToUnicode map, so cutting and compressing a subset for
    each piece would be work thrown away. The stand-in names the face by its digest, after the
    program's first four bytes (which tell an OpenType face from a TrueType one)."""
    return face[:4] + _STAND_IN + hashlib.sha256(face).digest()
