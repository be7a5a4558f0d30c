"""The template survey package (microlensing_to_sqlite/template_survey), registered beside the real surveys as
registry.py would list it, builds from a small mirror its demo.py writes: the README's "Adding a survey" works
as written. In a process of its own, since the schema's columns come from the registry when it is imported."""

import json
import subprocess
import sys

from tests.support.paths import ROOT

SCRIPT = """
import datetime, json, sqlite3, sys
import numpy
from microlensing_to_sqlite import registry
from microlensing_to_sqlite.template_survey import EXAMPLE
assert "microlensing_to_sqlite.schema" not in sys.modules, "the registry must be complete before the schema"
registry.SURVEYS += (EXAMPLE,)                              # what the one line in registry.py does
registry.BY_KEY[EXAMPLE.key] = registry.BY_NAME[EXAMPLE.name] = EXAMPLE
from microlensing_to_sqlite.cli import main
from microlensing_to_sqlite.demo import write_season
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.synthetic import datetime_to_hjd, draw_event

folder = sys.argv[1]
rng = numpy.random.default_rng(4)
today = datetime_to_hjd(datetime.datetime(2025, 12, 1))
events = [draw_event(rng, 2025, today, "ordinary") for _ in range(3)]
write_season(Mirror(folder + "/mirror"), rng, 2025, events, today, every_survey=True)
status = main(["--offline", "--no-fit", "--surveys", "example", "ogle", "--years", "2025",
               "--mirror", folder + "/mirror", "--db", folder + "/x.db"])
db = sqlite3.connect(folder + "/x.db")
print(json.dumps({
    "status": status,
    "alerts": db.execute("select alert_name, tE_err is not null, n_photometry from alerts where survey = 'EXAMPLE' "
                         "order by alert_name").fetchall(),
    "events": db.execute("select example_name, ogle_name, n_alerts from events order by event_id").fetchall(),
    "source": db.execute("select name from sources where survey = 'EXAMPLE'").fetchone(),
}))
"""


def test_the_template_survey_registers_and_builds(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["status"] == 0
    assert [name for name, _, _ in found["alerts"]] == [f"EXAMPLE-2025-BLG-000{n}" for n in (1, 2, 3)]
    assert all(has_sigma and points > 100 for _, has_sigma, points in found["alerts"])
    # Each physical event was alerted by both: the crossmatch joins them, and the events table has the column.
    assert [(example, ogle[:9], n) for example, ogle, n in found["events"]] == [
        (f"EXAMPLE-2025-BLG-000{n}", "OGLE-2025", 2) for n in (1, 2, 3)]
    assert found["source"][0].startswith("EXAMPLE, a fictional survey")
