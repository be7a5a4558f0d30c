"""Every way a person writes an alert name resolves to the alert and its event."""

import pytest

from microlensing_to_sqlite.names import resolve_typed_name as alert_name


@pytest.mark.parametrize("typed, survey, expected", [
    ("OGLE-2019-BLG-0161", None, "OGLE-2019-BLG-0161"),
    ("OB190161", None, "OGLE-2019-BLG-0161"),
    ("ob190161", None, "OGLE-2019-BLG-0161"),
    (" ogle-2019-blg-0161 ", None, "OGLE-2019-BLG-0161"),
    ("2019-BLG-0161", "OGLE", "OGLE-2019-BLG-0161"),
    ("2019-BLG-061", "MOA", "MOA-2019-BLG-061"),
    ("MOA-2019-BLG-061", None, "MOA-2019-BLG-061"),
    ("MOA-2019-BLG-61", None, "MOA-2019-BLG-061"),
    ("MB19061", None, "MOA-2019-BLG-061"),
    ("MB250060", None, "MOA-2025-BLG-0060"),
    ("MB25060", None, "MOA-2025-BLG-0060"),     # by habit: MOA's short names grew a digit in 2025
    ("mb26007", None, "MOA-2026-BLG-0007"),
    ("MOA-2025-BLG-60", None, "MOA-2025-BLG-0060"),
    ("MOA-2025-LMC-0001", None, "MOA-2025-LMC-0001"),
    ("KMT-2019-BLG-0001", None, "KMT-2019-BLG-0001"),
    ("KB190001", None, "KMT-2019-BLG-0001"),
    ("PB250007", None, "PRIME-2025-BLG-0007"),
    ("OGLE-2024-GD-0010", None, "OGLE-2024-GD-0010"),
])
def test_every_form_resolves(typed, survey, expected):
    assert alert_name(typed, survey) == expected


@pytest.mark.parametrize("typed", ["", "junk", "2019-BLG-0161", "OGLE-2019-BLG-12345", "OB19016", "XB190161",
                                   "MOA-2019-BLG-0061x", "'; drop table alerts; --", "OGLE-19-BLG-0161", None, 42])
def test_malformed_names_resolve_to_nothing(typed):
    assert alert_name(typed) is None


@pytest.fixture(scope="module")
def portal(recorded_db_path, portal_for):
    return portal_for(recorded_db_path)


@pytest.mark.asyncio
async def test_sql_function_works_in_any_query(portal):
    response = await portal.client.get(
        "/microlensing.json?sql=select+ml_alert_name('kb160009')+as+name&_shape=array")
    assert response.json() == [{"name": "KMT-2016-BLG-0009"}]


@pytest.mark.asyncio
async def test_lookup_query_finds_the_alert_and_its_event(portal):
    response = await portal.client.get("/microlensing/lookup.json?name=kb160009&survey=&_shape=array")
    [row] = response.json()
    assert (row["alert_name"], row["ogle_name"], row["result"]) == (
        "KMT-2016-BLG-0009", "OGLE-2016-BLG-0304", "found")


@pytest.mark.asyncio
async def test_lookup_query_with_the_survey_given(portal):
    response = await portal.client.get("/microlensing/lookup.json?name=2016-BLG-0304&survey=OGLE&_shape=array")
    assert response.json()[0]["kmt_name"] == "KMT-2016-BLG-0009"


@pytest.mark.asyncio
async def test_lookup_query_says_not_found(portal):
    response = await portal.client.get("/microlensing/lookup.json?name=OB990001&survey=&_shape=array")
    assert response.status_code == 200
    assert response.json()[0]["result"] == "not found: OB990001"


@pytest.mark.asyncio
async def test_front_page_has_the_search_box(portal):
    response = await portal.client.get("/")
    assert 'action="/-/resolve"' in response.text


@pytest.mark.asyncio
async def test_search_box_goes_straight_to_the_event(portal):
    response = await portal.client.get("/-/resolve?name=OB160304")
    assert response.status_code == 302
    assert response.headers["location"] == "/microlensing/events/10160304"


@pytest.mark.asyncio
async def test_a_bare_name_of_two_surveys_asks_which(portal):
    response = await portal.client.get("/-/resolve?name=2016-BLG-0009")
    # OGLE-2016-BLG-0009 and KMT-2016-BLG-0009 are both loaded, and are not one event
    assert response.status_code == 300 and "Which 2016-BLG-0009?" in response.text
    assert "OGLE-2016-BLG-0009" in response.text and "KMT-2016-BLG-0009" in response.text


@pytest.mark.asyncio
async def test_a_bare_name_of_one_survey_goes_straight_to_it(portal):
    response = await portal.client.get("/-/resolve?name=2016-BLG-0304")
    assert response.status_code == 302


@pytest.mark.asyncio
@pytest.mark.parametrize("typed", ["OB990001", "nonsense", "<script>alert(1)</script>"])
async def test_unknown_name_is_a_clear_not_found_page(portal, typed):
    response = await portal.client.get("/-/resolve", params={"name": typed})
    assert response.status_code == 404
    assert "Not found" in response.text and "<script>alert(1)" not in response.text


@pytest.mark.asyncio
async def test_event_page_shows_the_surveys_side_by_side(portal):
    response = await portal.client.get("/microlensing/events/10160304")
    assert response.status_code == 200
    assert '<a href="/microlensing/alerts/OGLE-2016-BLG-0304">' in response.text
    assert '<a href="/microlensing/alerts/KMT-2016-BLG-0009">' in response.text
    assert "Not tested: KMT gives no sigma" in response.text


@pytest.mark.asyncio
@pytest.mark.parametrize("query", ["published_pairs_far_apart", "unpublished_positional_pairs",
                                   "events_with_two_alerts_of_one_survey"])
async def test_disagreement_queries_run(portal, query):
    response = await portal.client.get(f"/microlensing/{query}.json?_shape=array")
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_published_pair_far_apart_is_listed(portal):
    response = await portal.client.get("/microlensing/published_pairs_far_apart.json?_shape=array")
    assert ("KMT-2016-BLG-0006", "OGLE-2016-BLG-0901") in {(r["alert_name"], r["other_name"]) for r in response.json()}
