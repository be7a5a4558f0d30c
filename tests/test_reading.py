"""Reading a season's events: in this process, or on several forked ones (microlensing_to_sqlite/reading.py)."""

from microlensing_to_sqlite import reading


class Recording:
    """A survey that records what it is asked before forking, and reads nothing."""
    name = "TEST"

    def __init__(self):
        self.prepared = []

    def before_forking(self, season):
        self.prepared.append(season)


def no_reading(monkeypatch):
    monkeypatch.setattr(reading, "read_one", lambda survey, season, name: name)


def test_a_season_read_on_several_cores_is_prepared_once_before_forking(monkeypatch):
    no_reading(monkeypatch)
    survey, names = Recording(), list(range(reading.PARALLEL_FROM))
    assert list(reading.read_alerts(survey, "season", names, workers=2)) == names
    assert survey.prepared == ["season"]


def test_a_season_read_in_this_process_is_not_prepared(monkeypatch):
    no_reading(monkeypatch)
    survey = Recording()
    assert list(reading.read_alerts(survey, "season", [1, 2], workers=2)) == [1, 2]
    assert survey.prepared == []
