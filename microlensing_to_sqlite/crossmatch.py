"""Which alerts are the same physical event: the surveys' own cross-references, and position.

Pure functions over alert records (dicts with alert_name, alert_id, survey, season, ra, dec, t0, ...).
Every pair records how it was found (`kmtnet_related`, `moa2ogle`, `position`); one physical event is a
connected component of the pairs.
"""

import collections
import itertools
import math

import numpy
from astropy import units
from astropy.coordinates import SkyCoord, search_around_sky

from . import formulas
from .registry import SURVEYS
from .sky import add_galactic_coordinates, mean_position

DEFAULT_RADIUS_ARCSEC = 2.0
COMPARED = ["t0", "tE", "u0", "Ibase"]
# Two surveys disagree on a parameter when they differ by more than this many combined sigmas.
TENSION_SIGMAS = 3.0


def separation_arcsec(a, b):
    if None in (a.get("ra"), a.get("dec"), b.get("ra"), b.get("dec")):
        return None
    return round(formulas.separation_arcsec(a["ra"], a["dec"], b["ra"], b["dec"]), 3)


def delta_t0(a, b):
    if a.get("t0") is None or b.get("t0") is None:
        return None
    return round(abs(a["t0"] - b["t0"]), 3)


def positional_pairs(alerts, radius_arcsec=DEFAULT_RADIUS_ARCSEC):
    """Pairs of alerts of different surveys within the radius, in the same or adjacent seasons.

    One vectorised search (astropy search_around_sky on a KD-tree) per pair of surveys, not a double loop: alerts of
    one survey are never paired, so that a survey alerting the same star again and again (thousands of alerts at
    one position) costs memory for the pairs across surveys only.
    Returns (alert_a, alert_b, separation_arcsec) with alert_a's name sorting first.
    """
    by_survey = collections.defaultdict(list)
    for alert in alerts:
        if alert.get("ra") is not None and alert.get("dec") is not None:
            by_survey[alert["survey"]].append(alert)
    skies = {survey: SkyCoord(numpy.array([a["ra"] for a in placed]) * units.deg,
                              numpy.array([a["dec"] for a in placed]) * units.deg)
             for survey, placed in by_survey.items()}
    pairs = []
    for one, other in itertools.combinations(sorted(by_survey), 2):
        first, second, separation, _ = search_around_sky(skies[one], skies[other], radius_arcsec * units.arcsec)
        for i, j, arcsec in zip(first, second, separation.arcsec):
            a, b = sorted([by_survey[one][i], by_survey[other][j]], key=lambda alert: alert["alert_name"])
            if abs(a["season"] - b["season"]) <= 1:
                pairs.append((a, b, round(float(arcsec), 3)))
    return pairs


def crossmatch_rows(alerts, published, radius_arcsec=DEFAULT_RADIUS_ARCSEC):
    """Rows of the crossmatches table: one per pair and method.

    `published` holds (alert_name, other_name, source) of the surveys' own cross-references; pairs whose
    other alert is not loaded are left out (published_crossrefs keeps them).
    """
    by_name = {a["alert_name"]: a for a in alerts}
    rows = {}
    for name, other, source in published:
        if name in by_name and other in by_name and name != other:
            a, b = sorted([by_name[name], by_name[other]], key=lambda r: r["alert_name"])
            rows[(a["alert_name"], b["alert_name"], source)] = (separation_arcsec(a, b), delta_t0(a, b))
    for a, b, arcsec in positional_pairs(alerts, radius_arcsec):
        rows[(a["alert_name"], b["alert_name"], "position")] = (arcsec, delta_t0(a, b))
    return [{"alert_name": a, "other_name": b, "method": method, "separation_arcsec": arcsec, "delta_t0": dt0}
            for (a, b, method), (arcsec, dt0) in sorted(rows.items())]


def components(names, pairs):
    """Connected components (union-find): {alert_name: the component's smallest member}."""
    parent = {name: name for name in names}

    def root(name):
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {name: root(name) for name in names}


def event_rows(alerts, crossmatches, published=()):
    """One row per physical event, and {alert_name: event_id}. The event_id is the smallest alert_id
    among its alerts, so it stays the same from build to build unless an alert with a smaller id joins
    the event. PRIME alerts are not loaded: prime_name comes from the published cross-references."""
    by_name = {a["alert_name"]: a for a in alerts}
    member_of = components(by_name, [(c["alert_name"], c["other_name"]) for c in crossmatches])
    groups = collections.defaultdict(list)
    for name, root in member_of.items():
        groups[root].append(by_name[name])
    events, event_of = [], {}
    for members in groups.values():
        members.sort(key=lambda a: a["alert_id"])
        event_id = members[0]["alert_id"]
        for alert in members:
            event_of[alert["alert_name"]] = event_id
        events.append(event_row(event_id, members))
    events.sort(key=lambda e: e["event_id"])
    add_galactic_coordinates(events)
    by_id = {e["event_id"]: e for e in events}
    for name, other, _ in published:
        if other.startswith("PRIME-") and name in event_of:
            event = by_id[event_of[name]]
            names = set(filter(None, (event["prime_name"] or "").split(", "))) | {other}
            event["prime_name"] = ", ".join(sorted(names))
    return events, event_of


def recovery_of_published(alerts, published, crossmatches, radius_arcsec):
    """Build-summary lines: how many of KMTNet's published cross-references the positional match finds,
    and why it misses the others."""
    by_name = {a["alert_name"]: a for a in alerts}
    found = {(c["alert_name"], c["other_name"]) for c in crossmatches if c["method"] == "position"}
    wanted = sorted({tuple(sorted((a, b))) for a, b, source in published if source == "kmtnet_related"})
    loaded = [pair for pair in wanted if pair[1] in by_name and pair[0] in by_name]
    misses = []
    for a, b in loaded:
        if (a, b) in found:
            continue
        one, two = by_name[a], by_name[b]
        if one["survey"] == two["survey"]:
            reason = "same survey (positional matching pairs different surveys only)"
        elif separation_arcsec(one, two) is None:
            reason = "no coordinates"
        elif abs(one["season"] - two["season"]) > 1:
            reason = "seasons more than one year apart"
        else:
            reason = f"{separation_arcsec(one, two):.2f} arcsec apart (radius {radius_arcsec:g})"
        misses.append(f"  missed {a} - {b}: {reason}")
    return [f"KMTNet related-event references with both alerts loaded: {len(loaded)} of {len(wanted)}; "
            f"found by position within {radius_arcsec:g} arcsec: {len(loaded) - len(misses)}", *misses]


def event_row(event_id, members):
    row = {"event_id": event_id, "n_alerts": len(members), "season": min(a["season"] for a in members)}
    by_survey = collections.defaultdict(list)
    for alert in members:
        by_survey[alert["survey"]].append(alert)
    for survey in SURVEYS:
        prefix = survey.events_prefix
        alerts = by_survey.get(survey.name, [])
        row[f"{prefix}_name"] = ", ".join(a["alert_name"] for a in alerts) or None
        first = alerts[0] if alerts else {}
        for parameter in COMPARED:
            row[f"{prefix}_{parameter}"] = first.get(parameter)
            row[f"{prefix}_{parameter}_err"] = first.get(parameter + "_err")
    # PRIME alerts are not loaded; KMTNet's related-event column names them (filled in by the caller).
    row["prime_name"] = None
    placed = [a for a in members if a.get("ra") is not None]
    row.update(mean_position(placed) if placed else {"ra": None, "dec": None})
    row["same_survey_alerts"] = ", ".join(s for s, alerts in sorted(by_survey.items()) if len(alerts) > 1) or None
    row.update(consistency([alerts[0] for alerts in by_survey.values()]))
    return row


def consistency(alerts):
    """Compare each pair of surveys on t0, tE and u0: differences beyond 3 combined sigmas in words, the
    largest tension in sigmas, and which surveys could not be tested because they give no sigma."""
    notes, tensions, untested = [], [], set()
    alerts = sorted(alerts, key=lambda a: a["survey"])
    for i, a in enumerate(alerts):
        for b in alerts[i + 1:]:
            for parameter in ("t0", "tE", "u0"):
                va, vb = a.get(parameter), b.get(parameter)
                if va is None or vb is None:
                    continue
                ea, eb = a.get(parameter + "_err"), b.get(parameter + "_err")
                if ea is None or eb is None:
                    untested.update(s["survey"] for s, e in ((a, ea), (b, eb)) if e is None)
                    continue
                sigma = math.hypot(ea, eb)
                if sigma == 0:
                    continue
                tension = abs(va - vb) / sigma
                tensions.append(tension)
                if tension > TENSION_SIGMAS:
                    notes.append(f"{parameter}: {a['survey']} {va:g} vs {b['survey']} {vb:g} ({tension:.1f} sigma)")
    return {
        "disagreements": "; ".join(notes) or None,
        "max_tension_sigma": round(max(tensions), 2) if tensions else None,
        "untested": ", ".join(f"{s} gives no sigma" for s in sorted(untested)) or None,
    }
