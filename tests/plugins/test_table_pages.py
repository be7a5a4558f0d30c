"""The table pages a reader meets first: the rows near the top (the column documentation folded away), a
survey's short code in the survey column, computed numbers to meaningful digits on screen and to every digit in
the exports (issue 22, item 10)."""

import re

import pytest


@pytest.fixture(scope="module")
def portal(recorded_db_path, portal_for):
    return portal_for(recorded_db_path)


@pytest.mark.asyncio
async def test_the_alerts_rows_come_before_the_column_documentation_which_is_folded(portal):
    html = (await portal.client.get("/microlensing/alerts")).text
    assert len(html) < 350_000  # 100 rows of 60 columns: 530 KB with Datasette's indentation in every cell
    assert '<details class="column-docs">' in html
    docs_end, rows = html.index("</details>", html.index('<details class="column-docs">')), html.index("<table class=\"rows-and-columns")
    assert docs_end < rows
    assert "Stable integer key made from the name" in html  # still there, folded


@pytest.mark.asyncio
async def test_the_survey_column_shows_the_surveys_code_not_its_whole_title(portal):
    html = (await portal.client.get("/microlensing/alerts?survey=OGLE&_size=1")).text
    cell = re.search(r'<td class="col-survey[^"]*"[^>]*>(.*?)</td>', html, re.S).group(1)
    assert ">OGLE<" in cell and "Early Warning" not in cell


@pytest.mark.asyncio
async def test_the_first_columns_are_the_name_and_the_timescale(portal):
    html = (await portal.client.get("/microlensing/alerts?_size=1")).text
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', html)
    assert "tE" in headers, headers
    assert headers.index("tE") < 8 and headers.index("u0") < 10


@pytest.mark.asyncio
async def test_computed_numbers_are_shown_short_with_every_digit_in_the_tooltip_and_exports(portal):
    rows = (await portal.client.get("/microlensing/fits.json?_shape=array&_size=50")).json()
    chi2 = next(r["chi2"] for r in rows if r["chi2"] is not None and len(repr(r["chi2"])) > 12)
    html = (await portal.client.get("/microlensing/fits?_size=50")).text
    assert f'title="{chi2!r}"' in html
    shown = re.search(rf'title="{re.escape(repr(chi2))}">([^<]*)<', html).group(1)
    assert len(shown) < len(repr(chi2)) and float(shown) == pytest.approx(chi2, rel=1e-5)
    csv = (await portal.client.get("/microlensing/fits.csv?_size=50")).text
    assert repr(chi2) in csv


def test_times_keep_the_surveys_five_decimals():
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("readable_numbers", Path(__file__).parents[2] / "plugins/readable_numbers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.readable(10850.123456789) == "10850.12346"
    assert module.readable(0.000123456789) == "0.000123457"
    assert module.readable(167.33712345) == "167.33712"
    assert module.readable(265.49333333333334) == "265.49333"


@pytest.mark.asyncio
async def test_the_photometry_view_is_not_counted_unfiltered_but_is_with_a_filter(portal, monkeypatch):
    from datasette.database import Database
    counted = []
    execute = Database.execute

    async def spy(self, sql, *args, **kwargs):
        if sql.startswith("select count(*)") and "photometry" in sql:
            counted.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", spy)
    page = await portal.client.get("/microlensing/photometry")
    assert page.status_code == 200 and "rows-and-columns" in page.text and counted == []
    filtered = await portal.client.get("/microlensing/photometry?alert_name=OGLE-2025-BLG-0001")
    assert filtered.status_code == 200 and len(counted) == 1
    assert "265 rows" in filtered.text
