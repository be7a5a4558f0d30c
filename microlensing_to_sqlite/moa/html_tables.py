"""Reading MOA's HTML pages: their tables as rows of cells (with links and line numbers), their text and links.

MOA's PHP pages leave cells and rows unclosed (`<tr><td>t<sub>E</sub><td>=<td align=right>12.86`): html.parser
nests each in the one before, so a cell's content ends where the next cell, row or table begins.
MAD found display.php's fit table as escaped text (`&lt;td&gt;=&lt;td align=right&gt;`), and robonet_tools its
calibration written `&#916F`, with no `;`, which makes html.parser read the rest of the page as text.
"""

import re
from typing import NamedTuple

from bs4 import NavigableString, Tag

from ..parsing import html_soup

ESCAPED_CELL_TAG = re.compile(r"&lt;(/?(?:td|th|tr|table)\b[^&]*?)&gt;", re.I)
UNTERMINATED_CHARREF = re.compile(r"(&#\d+)(?![\d;])")
TABLE_PARTS = {"table", "tr", "td", "th"}
INLINE_TAGS = {"a", "b", "i", "u", "em", "strong", "sub", "sup", "font", "span", "small", "big", "tt", "code"}


class Cell(NamedTuple):
    text: str
    links: list     # hrefs
    line: int


class Table(NamedTuple):
    rows: list      # each a list of Cells
    divs: set       # ids of the divs the table is inside


class Page(NamedTuple):
    tables: list
    text: str       # all the text, whitespace collapsed
    links: list     # (href, link text)
    title: str


def read_page(page_html, source):
    """The tables (rows of cells, with their links and lines), text, links and title of an HTML page."""
    page_html = UNTERMINATED_CHARREF.sub(r"\1;", ESCAPED_CELL_TAG.sub(r"<\1>", page_html))
    soup = html_soup(page_html, source)
    tables = []
    stack = [(soup, (), None, None)]    # an element, the ids of its divs, its table and its row
    while stack:
        node, divs, table, row = stack.pop()
        if node.name == "div" and node.get("id"):
            divs += (node["id"],)
        elif node.name == "table":
            table, row = Table([], set(divs)), None
            tables.append(table)
        elif node.name == "tr" and table is not None:
            row = []
            table.rows.append(row)
        elif node.name in ("td", "th") and row is not None:
            row.append(Cell(*cell_content(node), node.sourceline))
        stack.extend((child, divs, table, row) for child in reversed(node.contents) if isinstance(child, Tag))
    for table in tables:
        table.rows[:] = [row for row in table.rows if row]
    links = [(a["href"], " ".join(a.get_text().split())) for a in soup.find_all("a", href=True)]
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    return Page(tables, " ".join(soup.get_text(" ").split()), links, title)


def cell_content(cell):
    """A cell's text and links, up to the first cell, row or table nested inside it."""
    text, links = [], []
    stack = list(reversed(cell.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name in TABLE_PARTS:
                break
            if node.name == "a" and node.get("href") is not None:
                links.append(node["href"])
            if node.name not in INLINE_TAGS:
                text.append(" ")
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString:
            text.append(node)
    return " ".join("".join(text).split()), links


def header_key(text):
    """A header cell compared without spaces or case: `tE (days)` and `tE(days)` are the same heading."""
    return "".join(text.split()).lower()


def find_table(page, headers):
    """The first table with a row of exactly these headings, and that row's index."""
    wanted = [header_key(h) for h in headers]
    for table in page.tables:
        for index, row in enumerate(table.rows):
            if [header_key(c.text) for c in row] == wanted:
                return table, index
    return None, None


def first_header_found(page):
    for table in page.tables:
        if table.rows:
            return repr([c.text for c in table.rows[0]])
    return "no table"
