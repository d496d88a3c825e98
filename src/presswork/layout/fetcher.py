"""Where WeasyPrint finds a book's files and presswork's fonts: fixed made-up addresses served by
`BookFetcher`, shared by the print layout, its typesetters (in worker processes) and the digital
edition, so that none of them needs another's module to fetch."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..files.folders import resolved
from ..render import fonts

# Where WeasyPrint sees the book's files and presswork's fonts (BookFetcher serves them): the same
# for every book folder and installation. `.invalid` names can never reach the network.
BOOK_URL = "https://book.invalid/"
FONTS_URL = "https://fonts.invalid/"


def font_faces() -> str:
    """The @font-face rules of presswork's book face, served by `BookFetcher`."""
    return "\n".join(
        f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {f.weight}; font-style: {f.style}; '
        f'src: url("{FONTS_URL}{quote(f.file)}"); }}'
        for f in fonts.FACES
    ) + "\n"


class BookFetcher(URLFetcher):
    """Serves the book's files and presswork's fonts at fixed made-up addresses, and nothing else: no
    absolute path (nor its hash, by which WeasyPrint names images) gets into the PDF, so the bytes do
    not depend on where the book lives, and a manuscript reaches no other file and no network."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"https"})
        self.folders = {urlsplit(BOOK_URL).netloc: resolved(root), urlsplit(FONTS_URL).netloc: fonts.FONT_DIR.resolve()}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        folder = self.folders.get(parts.netloc) if parts.scheme == "https" else None
        path = resolved(folder / unquote(parts.path).lstrip("/")) if folder else None  # a link loop: not a file
        if path is None or not path.is_relative_to(folder) or not path.is_file():
            raise ValueError(f"{url} is not a file of the book")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})
