"""The quarterly QA report and the annual self-evaluation (issue 26) are written once, as a list of
blocks (headings, paragraphs, tables), then laid out twice: as a Word document with python-docx
and as HTML for WeasyPrint's tagged PDF (pack_pdf). One list, so the Word file and the PDF can never
say different things, and the tests read the same figures out of both."""

import io
from dataclasses import dataclass, field

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from markupsafe import escape

from auditapp.exports.pack_pdf import pack_pdf


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: a section of the report; 2: a part of a section


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]  # the first cell of each row names it (a row header)


Block = Heading | Paragraph | Table


@dataclass
class Document:
    title: str
    subtitle: str
    marking: str  # the protective marking, on every page
    draft: bool = False  # "DRAFT" on every page: not yet reviewed for publication
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def para(self, text: str) -> None:
        self.blocks.append(Paragraph(text))

    def table(self, caption: str, header: list[str], rows: list[list[str]], empty: str = "None.") -> None:
        """A table, or the words saying there is nothing to show (an empty table reads as a mistake)."""
        if rows:
            self.blocks.append(Table(caption, header, rows))
        else:
            self.para(f"{caption}: {empty}")

    @property
    def page_mark(self) -> str:
        return f"DRAFT: {self.marking}" if self.draft else self.marking

    def text(self) -> str:
        """Every word of the document, one block a line: what the tests and the bench compare."""
        lines = [self.title, self.subtitle]
        for block in self.blocks:
            if isinstance(block, Table):
                lines.append(block.caption)
                lines.extend(" | ".join(row) for row in [block.header, *block.rows])
            else:
                lines.append(block.text)
        return "\n".join(lines)


def docx_bytes(document: Document) -> bytes:
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, not python-docx's US Letter
    section.orientation = WD_ORIENT.PORTRAIT
    for part in (section.header, section.footer):
        mark = part.paragraphs[0]
        mark.text = document.page_mark
        mark.runs[0].bold = True
    styles = word.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    word.core_properties.title = document.title
    word.core_properties.author = "Case audit (children's services)"
    word.core_properties.subject = document.marking
    word.add_heading(document.title, level=0)
    word.add_paragraph(document.subtitle)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        else:
            word.add_paragraph(block.caption, style="Caption")
            table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            for column, words in enumerate(block.header):
                cell = table.rows[0].cells[column]
                cell.text = words
                cell.paragraphs[0].runs[0].bold = True
            for r, row in enumerate(block.rows, start=1):
                for column, words in enumerate(row):
                    table.rows[r].cells[column].text = words
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


_STYLE = """
@page { size: A4; margin: 20mm 18mm;
  @top-center { content: "%(mark)s"; font: bold 9pt Arial, sans-serif; }
  @bottom-left { content: "%(mark)s"; font: bold 9pt Arial, sans-serif; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; } }
body { font: 10.5pt/1.4 Arial, sans-serif; color: #0b0c0c; }
h1 { font-size: 20pt; margin: 0 0 2mm; } h2 { font-size: 14pt; margin: 6mm 0 2mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 4mm 0 1mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%%; margin-bottom: 4mm; font-size: 9pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 1mm; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }
tr { break-inside: avoid; } p { white-space: pre-wrap; }
"""


def document_html(document: Document) -> str:
    # The marking goes into CSS strings: quotes and backslashes would end them early.
    mark = document.page_mark.replace("\\", "").replace('"', "'")
    parts = ['<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">',
             f"<title>{escape(document.title)}</title>",
             '<meta name="author" content="Case audit (children&#39;s services)">',
             f'<meta name="description" content="{escape(document.marking)}">',
             f"<style>{_STYLE % {'mark': mark}}</style></head><body>",
             f"<h1>{escape(document.title)}</h1><p>{escape(document.subtitle)}</p>"]
    for block in document.blocks:
        if isinstance(block, Heading):
            level = block.level + 1
            parts.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        else:
            head = "".join(f'<th scope="col">{escape(words)}</th>' for words in block.header)
            body = "".join(
                "<tr>" + f'<th scope="row">{escape(row[0])}</th>' + "".join(f"<td>{escape(w)}</td>" for w in row[1:])
                + "</tr>" for row in block.rows)
            parts.append(f"<table><caption>{escape(block.caption)}</caption><thead><tr>{head}</tr></thead>"
                         f"<tbody>{body}</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def pdf_bytes(document: Document) -> bytes:
    """Tagged PDF/UA-1, with pack_pdf's WeasyPrint setup (no base URL: nothing fetched)."""
    return pack_pdf(document_html(document))
