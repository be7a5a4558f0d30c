"""Asking a fixture portal (conftest's portal_for) for a table's or canned query's rows."""


async def query_rows(portal, query, **params):
    """The rows of /microlensing/<query>.json with `params`, as dicts; the answer must be 200."""
    response = await portal.client.get(f"/microlensing/{query}.json", params={**params, "_shape": "array"})
    assert response.status_code == 200, response.text
    return response.json()
