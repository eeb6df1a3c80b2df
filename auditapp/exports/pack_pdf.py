"""The board's pack as a PDF for the meeting papers: the pack's HTML (templates/reports/pack.html,
made from the dashboard's own partials) laid out by WeasyPrint on A4, tagged as PDF/UA-1 so a
screen reader can follow it (published board papers fall under the accessibility regulations)."""

from weasyprint import HTML


def pack_pdf(html: str) -> bytes:
    """The title, author and marking come from the HTML's own head (pack.html)."""
    # No base URL: the pack's HTML carries its styles and draws its charts as inline SVG, so
    # nothing is fetched, from the network or the disk.
    document = HTML(string=html, base_url=None)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf
