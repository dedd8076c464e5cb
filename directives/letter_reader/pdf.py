"""PDF letters: each page's text layer as lines placed on the page (pdfminer.six), for
`page_text` to put in reading order; a page without one (a scan) is rendered as an image
(pypdfium2) for OCR. Broken PDFs, those that need a password to open, and very long ones
are refused with a message for the user."""

import io
import itertools
import logging
import re
import statistics

from django.utils.translation import gettext as _

from .files import LetterError
from .page_text import Line

logger = logging.getLogger(__name__)

MAX_PAGES = 50
# A page with fewer letters than this in its text layer is a scan (perhaps with a page
# number or a stamp's text on it).
MIN_LETTERS = 20
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Where the layer's fonts have no Unicode map, pdfminer writes each glyph as "(cid:N)".
UNMAPPED = re.compile(r"\(cid:\d+\)")
# The largest side of a rendered page, in pixels, whatever size the page says it is.
MAX_SIDE = 4000


def broken() -> LetterError:
    return LetterError(_("Tệp PDF bị hỏng hoặc không phải PDF."))


def pdf_lines(data: bytes) -> list[list[Line] | None]:
    """Each page's lines of text, or None for a page without a text layer."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    pages = _pages(data)
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(resources, device)
    out: list[list[Line] | None] = []
    try:
        for page in pages:
            interpreter.process_page(page)
            out.append(_page_lines(device.get_result()))
    except Exception as error:  # pdfminer raises many kinds on a damaged content stream
        logger.info("importer: unreadable PDF page: %r", error)
        raise broken() from error
    return out


def _pages(data: bytes) -> list:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    if b"%PDF-" not in data[:1024]:
        raise broken()
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        found = PDFPage.create_pages(document)
        pages = list(itertools.islice(found, MAX_PAGES + 1))
        more = sum(1 for _page in itertools.islice(found, 100_000)) if len(pages) > MAX_PAGES else 0
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise LetterError(
            _("Tệp PDF được đặt mật khẩu nên không đọc được: hãy gỡ mật khẩu rồi tải lên lại.")
        ) from error
    except Exception as error:  # and many more on a damaged file
        logger.info("importer: unreadable PDF: %r", error)
        raise broken() from error
    if not pages:
        raise broken()
    if len(pages) > MAX_PAGES:
        raise LetterError(
            _("Tệp PDF có %(pages)s trang: chỉ đọc văn bản dài tối đa %(max)s trang.")
            % {"pages": len(pages) + more, "max": MAX_PAGES}
        )
    return pages


def _page_lines(layout) -> list[Line] | None:
    lines = [line for item in _text_lines(layout) if (line := _line(item, layout))]
    text = "".join(line.text for line in lines)
    readable = UNMAPPED.sub("", text)
    if sum(c.isalpha() for c in readable) < MIN_LETTERS:
        return None
    return lines


def _text_lines(container):
    from pdfminer.layout import LTContainer, LTTextLineHorizontal

    for item in container:
        if isinstance(item, LTTextLineHorizontal):
            yield item
        elif isinstance(item, LTContainer):
            yield from _text_lines(item)


def _line(item, layout) -> Line | None:
    from pdfminer.layout import LTChar

    parts: list[tuple[str, bool]] = []
    sizes = []
    bold = False
    for char in item:
        text = char.get_text()
        if text == "\n":
            continue
        if isinstance(char, LTChar):
            bold = bool(BOLD.search(char.fontname or "")) if text.strip() else bold
            sizes.append(char.size)
        text = UNMAPPED.sub("", text)
        if parts and parts[-1][1] == bold:
            parts[-1] = (parts[-1][0] + text, bold)
        else:
            parts.append((text, bold))
    parts = [(re.sub(r"\s+", " ", text), b) for text, b in parts]
    if not "".join(text for text, _b in parts).strip():
        return None
    parts[0] = (parts[0][0].lstrip(), parts[0][1])
    parts[-1] = (parts[-1][0].rstrip(), parts[-1][1])
    return Line(
        x0=item.x0 - layout.x0,
        top=layout.y1 - item.y1,
        x1=item.x1 - layout.x0,
        bottom=layout.y1 - item.y0,
        parts=[part for part in parts if part[0]],
        size=statistics.median(sizes) if sizes else 0.0,
    )


def page_images(data: bytes, indexes: list[int], dpi: int):
    """The pages at `indexes` as greyscale images at `dpi` (less for a page so large its
    longest side would pass MAX_SIDE pixels), each with the resolution it was drawn at."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as error:  # pypdfium2.PdfiumError, and a password asked for
        raise broken() from error
    try:
        for index in indexes:
            page = document[index]
            width, height = page.get_size()
            scale = min(dpi / 72, MAX_SIDE / max(width, height, 1))
            image = page.render(scale=scale, grayscale=True).to_pil()
            page.close()
            yield image, scale * 72
    except Exception as error:
        logger.info("importer: PDF page not rendered: %r", error)
        raise broken() from error
    finally:
        document.close()
