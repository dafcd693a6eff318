"""Reading the PDFs the platform produces, with poppler's tools (Debian poppler-utils)."""

import re
import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "var" / "test-artifacts" / "pdf"

# The side margins of every page (core/pdf_base.html): nothing is printed in them, so a
# word there was pushed out of its column (a table wider than the page, a chart label
# drawn left of its chart). 16 mm, less half a point for rounding.
SIDE_MARGIN = 16 / 25.4 * 72 - 0.5

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)"')
_WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*)</word>'
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")

# pdftohtml -xml: pages, fonts (with their colour) and runs of text.
_XML_PAGE = re.compile(r'<page number="(\d+)"[^>]* height="([\d.]+)"')
_XML_FONT = re.compile(r'<fontspec id="(\d+)" size="[\d.]+" family="[^"]*" color="(#[0-9a-fA-F]+)"')
_XML_TEXT = re.compile(
    r'<text top="([\d.]+)" left="([\d.]+)" width="[\d.]+" height="([\d.]+)" '
    r'font="(\d+)">(.*)</text>'
)
# Headings are blue (h1–h3); captions and table headers are bold in the text's colour.
HEADING_COLOURS = {"#000091", "#161616"}
# The footer is printed in the bottom margin (20 mm of 297): not the page's last line.
BOTTOM_MARGIN = 20 / 297


def pdf_text(tmp_path, content: bytes) -> str:
    """The text of a PDF, laid out as on the page."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_title(tmp_path, content: bytes) -> str:
    """The document's Title as stored, with any space or line break around or inside
    it (pdfinfo pads its value to the 17th column and prints the title as is)."""
    path = tmp_path / "title.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    found = re.search(r"^Title: {0,16}(.*?)\n(?=[A-Z][\w ]*:)", info, re.DOTALL | re.MULTILINE)
    return found[1] if found else ""


def stranded_headings(path: Path) -> list[str]:
    """Every page but the last whose last line is a heading, a table's caption or header
    row alone (bold or blue, nothing else on the line), what it announces sent to the next
    page, as readable lines. The last line of a bold row header wrapped on several lines
    (its numbers on its first line) is the end of a row, not a heading."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    colours, pages, height = {}, [], 0.0
    for line in xml.splitlines():
        if found := _XML_PAGE.search(line):
            pages.append([])
            height = float(found[2])
        elif found := _XML_FONT.search(line):
            colours[found[1]] = found[2].lower()
        elif (found := _XML_TEXT.search(line)) and pages:
            top, left, size, font, text = found.groups()
            if float(top) < height * (1 - BOTTOM_MARGIN):
                bold = text.startswith("<b>") and colours.get(font, "") in HEADING_COLOURS
                words = re.sub(r"<[^>]+>", "", text).strip()
                pages[-1].append((float(top) + float(size), float(left), bold, words))
    problems = []
    for number, runs in enumerate(pages[:-1], start=1):
        lines = _lines(runs)
        if not lines or not all(bold for _, _, bold, _ in lines[-1]):
            continue
        # Up through the bold lines above (a label wrapped on several lines) to the line
        # that holds the rest of its row.
        k = len(lines) - 2
        while k >= 0 and all(bold for _, _, bold, _ in lines[k]):
            k -= 1
        above = lines[k] if k >= 0 else []
        wrapped_cell = any(abs(a[1] - b[1]) < 1 for a in above if a[2] for b in lines[-1])
        if not wrapped_cell:
            words = " ".join(words for _, _, _, words in lines[-1])
            problems.append(f"page {number} : « {words} » seul en bas de page")
    return problems


def _lines(runs: list[tuple]) -> list[list[tuple]]:
    """Runs of text grouped by line (bottoms within 4 units), top to bottom."""
    lines: list[list[tuple]] = []
    for run in sorted(runs):
        if lines and run[0] - lines[-1][-1][0] < 4:
            lines[-1].append(run)
        else:
            lines.append([run])
    return lines


# The top margin of every page (core/pdf_base.html): 18 mm of 297.
TOP_MARGIN = 18 / 297


def sparse_pages(
    tmp_path, content: bytes, *, least: float = 0.5, last: float = 0.3, cover: bool = True
) -> list[str]:
    """Every page (but the cover, when ``cover``) whose printed text stops before
    ``least`` of the height between the margins (``last`` for the last page, which ends
    where the document does), as readable lines: a section forced onto its own page
    behind a half-empty one, or a table's last rows left alone."""
    path = tmp_path / "sparse.pdf"
    path.write_bytes(content)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    bottoms: list[tuple[float, float]] = []  # (lowest text, page height) per page
    for line in boxes.splitlines():
        if found := _PAGE.search(line):
            bottoms.append((0.0, float(found[2])))
        elif (found := _WORD.search(line)) and bottoms:
            lowest, height = bottoms[-1]
            y1 = float(found[4])
            if y1 < height * (1 - BOTTOM_MARGIN):
                bottoms[-1] = (max(lowest, y1), height)
    problems = []
    for number, (lowest, height) in enumerate(bottoms, start=1):
        if cover and number == 1:
            continue
        filled = (lowest - height * TOP_MARGIN) / (height * (1 - TOP_MARGIN - BOTTOM_MARGIN))
        if filled < (last if number == len(bottoms) else least):
            problems.append(f"page {number} : remplie à {max(filled, 0):.0%} seulement")
    return problems


def layout_problems(tmp_path, content: bytes, *, name: str = "doc") -> list[str]:
    """Every word printed outside its page or in the side margins, a « % » sent to the
    line after its number, every HTML entity left in the text ("l&#x27;expérience"), a
    heading or caption left alone at the bottom of a page (``stranded_headings``) and
    a missing or untidy title (what a PDF
    reader shows in its title bar), as readable lines; empty when the PDF is
    clean. The pages are also rendered to ``var/test-artifacts/pdf/<name>-N.png`` to be
    looked at."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    problems, page, number, previous = [], (0.0, 0.0), 0, None
    for line in boxes.splitlines():
        if found := _PAGE.search(line):
            page, number, previous = (float(found[1]), float(found[2])), number + 1, None
        elif found := _WORD.search(line):
            x0, y0, x1, y1 = (float(v) for v in found.groups()[:4])
            if x0 < SIDE_MARGIN or x1 > page[0] - SIDE_MARGIN or y0 < 0 or y1 > page[1]:
                problems.append(
                    f"page {number} : « {found[5]} » en ({x0:.0f}, {y0:.0f}) "
                    f"sur une page de {page[0]:.0f} × {page[1]:.0f}"
                )
            # "95" at the end of a line and "%" at the start of the next: the space
            # between a number and its unit should not break.
            if found[5] == "%" and previous and previous[1] < y0 - 1 and previous[0][-1:].isdigit():
                problems.append(f"page {number} : « % » renvoyé à la ligne après « {previous[0]} »")
            previous = (found[5], y0)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    problems += [f"entité HTML dans le texte : {e}" for e in sorted(set(_ENTITY.findall(text)))]
    problems += stranded_headings(path)
    title = pdf_title(tmp_path, content)
    if not title.strip() or title != " ".join(title.split()):
        problems.append(f"titre du document vide ou mal formé : {title!r}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(ARTIFACTS / name)], check=True)
    return problems
