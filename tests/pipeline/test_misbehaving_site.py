"""A survey page that links its data file on another host: the link is neither followed nor read from the mirror,
and nothing read from such a place reaches the public build_problems table (the Fetcher's own refusal of such
hosts, and of answers too big for their kind: tests/fetch)."""

from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.moa import site as moa
from tests.support.builds import run_build
from tests.support.moa_pages import PRIME_2025, PRIME_DISPLAY, handwritten, name, recorded
from tests.support.site import Site

MOA_2025_0001 = name(2025, 1)
ELSEWHERE = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
SECRET = b"AKIA-SECRET-OF-THE-MACHINE 1 2 3\n"


def moa_2025_linking(link):
    """MOA 2025 as recorded, its first event's page linking its data file at `link`; and `link` answering SECRET."""
    page = handwritten(PRIME_DISPLAY).replace('href="/alerts/datafile/MOA/MOA-2025-BLG-0001"', f'href="{link}"')
    assert link in page
    return Site({PRIME_2025: recorded(PRIME_2025).encode(), moa.prime_display_url(MOA_2025_0001): page.encode(),
                 link: SECRET})


def published(build):
    return " ".join(f"{url} {detail}" for url, detail in build.query("SELECT url, detail FROM build_problems"))


def test_a_data_link_to_another_host_is_not_followed(tmp_path):
    site = moa_2025_linking(ELSEWHERE)
    build = run_build(tmp_path, site, "--surveys", "moa", "--years", "2025")
    assert not [url for url in site.urls if url.startswith("http://169.254")]
    assert "SECRET" not in published(build)
    [(kind, detail)] = build.query("SELECT kind, detail FROM build_problems WHERE alert_name = ?",
                                   MOA_2025_0001.full)
    assert kind == "parse_error" and "not one of MOA's hosts" in detail


def test_a_mirrored_file_of_another_host_is_not_read(tmp_path):
    """A mirror holding the answer of another host (an older build followed the link) does not publish it."""
    Mirror(tmp_path / "mirror").write(ELSEWHERE, SECRET)
    build = run_build(tmp_path, moa_2025_linking(ELSEWHERE), "--surveys", "moa", "--years", "2025")
    assert "SECRET" not in published(build)
