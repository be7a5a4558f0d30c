"""Reading MOA's loosely written HTML (moa/html_tables.py): unclosed cells, and cell tags escaped as text, read
as the tables they stand for (checked through the hand-written display.php)."""

import re

from microlensing_to_sqlite.moa.display_page import parse_display_page
from microlensing_to_sqlite.moa.html_tables import read_page
from tests.support.moa_pages import DISPLAY_PHP, handwritten, line_of


def display_page(text):
    return parse_display_page(text, source="display.php")


def test_closed_cells_read_as_the_unclosed_ones():
    text = re.sub(r"(<td[^>]*>[^<\n]*)(?=<td|\n)", r"\1</td>", handwritten(DISPLAY_PHP))
    assert "<td>=</td>" in text and display_page(text) == display_page(handwritten(DISPLAY_PHP))


def test_fit_table_as_escaped_text_reads_as_the_table():
    # MAD found `<td>=<td align=right>` as text inside the page: the reader also takes escaped cell tags.
    page = handwritten(DISPLAY_PHP)
    start, end = page.index('<div id="micro">'), page.index('<div id="lastphot">')
    micro = page[start:end].replace("<t", "&lt;t").replace("<tr>", "&lt;tr&gt;")
    micro = re.sub(r"&lt;(t[^>]*)>", r"&lt;\1&gt;", micro)
    assert display_page(page[:start] + micro + page[end:])["tE_err"] == 0.6


def read_display_php():
    return read_page(handwritten(DISPLAY_PHP), DISPLAY_PHP)


def test_an_unclosed_cell_ends_where_the_next_cell_begins():
    page = read_display_php()
    [micro] = [t for t in page.tables if "micro" in t.divs]
    te_line = line_of(handwritten(DISPLAY_PHP), "t<sub>E</sub>")
    cells = ["tE", "=", "12.86", "±", "0.60 days"]
    assert [(c.text, c.line) for c in micro.rows[1]] == [(text, te_line) for text in cells]


def test_each_table_knows_the_divs_it_is_in():
    assert [t.divs for t in read_display_php().tables] == [{"metadata"}, set(), {"micro"}, {"lastphot"}]


def test_a_character_reference_without_its_semicolon_is_the_character():
    # robonet_tools found `&#916F`: html.parser alone would read the rest of the page as text.
    assert "I = 25.70 - 2.5 log 10 (ΔF + 7518.9) Photometry:" in read_display_php().text
