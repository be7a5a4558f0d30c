"""The database schema, in one place. Column descriptions and units live in metadata.yml.

The parameter history and the build runs are kept between builds (history.py) and copied in.
"""

import hashlib

from .registry import SURVEYS

# Model parameters every survey may report, each followed by its 1-sigma uncertainty column.
MODEL_PARAMETERS = ["t0", "tE", "u0", "Amax", "Dmag", "fbl", "Ibase", "Isrc"]

# The events table: each survey's name and fit side by side.
EVENT_SURVEYS = [survey.events_prefix for survey in SURVEYS]
EVENT_PARAMETERS = ["t0", "tE", "u0", "Ibase"]
EVENT_COLUMNS = [
    "event_id", "n_alerts", "season", *[f"{s}_name" for s in EVENT_SURVEYS], "prime_name", "ra", "dec", "l", "b",
    "max_tension_sigma", "disagreements", "untested", "same_survey_alerts",
    *[f"{s}_{p}{e}" for s in EVENT_SURVEYS for p in EVENT_PARAMETERS for e in ("", "_err")],
]
# The posterior's percentiles in fit_solutions: <parameter>_p2_5 ... <parameter>_p97_5.
SOLUTION_PARAMETERS = ["t0", "u0", "tE", "piE_N", "piE_E", "piE"]
PERCENTILE_NAMES = ["p2_5", "p16", "p50", "p84", "p97_5"]
PERCENTILE_COLUMNS = [f"{p}_{q}" for p in SOLUTION_PARAMETERS for q in PERCENTILE_NAMES]

# The reported values whose changes are kept: the fit, its uncertainties, and the classification.
TRACKED = ["t0", "t0_err", "tE", "tE_err", "u0", "u0_err", "Ibase", "Ibase_err", "fbl", "fbl_err",
           "classification", "classification_al"]
# Columns of build_run_sources, and the build report's counters they come from.
RUN_COUNTS = {"fetched": "fetched", "unchanged": "unchanged", "missing": "missing", "failed": "fetch_failed",
              "skipped": "skipped", "alerts": "alerts", "photometry": "photometry", "parse_errors": "parse_error"}

# The history database's tables (history.py), kept between builds and copied into each database.
HISTORY_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS alert_history (
    alert_name TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    {", ".join(f"{c} {'TEXT' if c.startswith('classification') else 'REAL'}" for c in TRACKED)},
    PRIMARY KEY (alert_name, observed_at)
);
CREATE TABLE IF NOT EXISTS build_runs (
    run_id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    mode TEXT,
    status TEXT,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS build_run_sources (
    run_id INTEGER NOT NULL REFERENCES build_runs(run_id),
    survey TEXT NOT NULL,
    season INTEGER NOT NULL,
    {", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in RUN_COUNTS)},
    PRIMARY KEY (run_id, survey, season)
);
"""

SCHEMA = """
CREATE TABLE sources (
    survey TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    home_url TEXT,
    data_url TEXT,
    credit TEXT,
    data_policy TEXT
);

CREATE TABLE alerts (
    alert_name TEXT PRIMARY KEY,
    alert_id INTEGER NOT NULL UNIQUE,
    short_name TEXT,
    survey TEXT NOT NULL REFERENCES sources(survey),
    season INTEGER NOT NULL,
    -- what a reader looks for first beside the name (the table page shows columns in this order)
    tE REAL, tE_err REAL, u0 REAL, u0_err REAL, t0 REAL, t0_err REAL,
    region TEXT NOT NULL,
    field TEXT,
    star_id TEXT,
    ra REAL, dec REAL, ra_hms TEXT, dec_dms TEXT, l REAL, b REAL,
    Amax REAL, Amax_err REAL, Dmag REAL, Dmag_err REAL, fbl REAL, fbl_err REAL,
    Ibase REAL, Ibase_err REAL, Isrc REAL, Isrc_err REAL,
    classification TEXT,
    classification_al TEXT,
    Icat REAL,
    catalog_type INTEGER,
    A_I REAL,
    internal_id TEXT,
    zp REAL,
    f_ref REAL,
    alert_date TEXT,
    public_from TEXT,
    remarks TEXT,
    survey_fit_flags TEXT,  -- a JSON list of survey.SURVEY_FIT_FLAGS, NULL when none applies
    event_id INTEGER REFERENCES events(event_id),
    n_photometry INTEGER NOT NULL DEFAULT 0,
    alert_url TEXT,
    data_url TEXT,
    fetched_at TEXT,
    first_seen TEXT
);
CREATE INDEX alerts_survey_season ON alerts(survey, season);
CREATE INDEX alerts_t0 ON alerts(t0);
CREATE INDEX alerts_tE ON alerts(tE);
CREATE INDEX alerts_short_name ON alerts(short_name);
CREATE INDEX alerts_dec ON alerts(dec);  -- the cone search's bounding box
CREATE INDEX alerts_first_seen ON alerts(first_seen);

-- Full-text search over names, classifications and remarks (Datasette shows a search box).
CREATE VIRTUAL TABLE alerts_fts USING fts5(alert_name, short_name, classification, remarks,
                                           content='alerts', content_rowid='rowid');
CREATE INDEX alerts_event_id ON alerts(event_id);

-- One row per lightcurve: an alert's photometry from one telescope in one band. lightcurve_id is
-- alert_id * 32 + the lightcurve's place among the alert's (by telescope, then band), the same in every build.
-- Each <column>_unit is 10^d, d the fewest decimals that hold that column's published values (photometry.py);
-- NULL where the survey gives no such column.
CREATE TABLE lightcurves (
    lightcurve_id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(alert_id),
    survey TEXT NOT NULL,
    telescope TEXT NOT NULL,
    band TEXT NOT NULL,
    n_points INTEGER NOT NULL,
    hjd_unit REAL,
    mag_unit REAL,
    mag_err_unit REAL,
    delta_flux_unit REAL,
    flux_err_unit REAL,
    seeing_unit REAL,
    fwhm_unit REAL,
    sky_unit REAL,
    secz_unit REAL
);
CREATE INDEX lightcurves_alert_id ON lightcurves(alert_id);

-- The big table: every point as whole numbers of its lightcurve's units, clustered on (lightcurve, time), so
-- that one lightcurve is one contiguous range and a row costs some 30 to 40 bytes. Read it through the
-- photometry view, which gives the values as the surveys published them.
CREATE TABLE photometry_points (
    lightcurve_id INTEGER NOT NULL REFERENCES lightcurves(lightcurve_id),
    hjd INTEGER NOT NULL,
    mag INTEGER,
    mag_err INTEGER,
    delta_flux INTEGER,
    flux_err INTEGER,
    seeing INTEGER,
    sky INTEGER,
    secz INTEGER,
    PRIMARY KEY (lightcurve_id, hjd)
) WITHOUT ROWID;

CREATE VIEW photometry AS
SELECT l.alert_id, a.alert_name, l.telescope, l.band,
    p.hjd / l.hjd_unit AS hjd, p.mag / l.mag_unit AS mag, p.mag_err / l.mag_err_unit AS mag_err,
    p.delta_flux / l.delta_flux_unit AS delta_flux, p.flux_err / l.flux_err_unit AS flux_err,
    p.seeing / l.seeing_unit AS seeing, p.seeing / l.fwhm_unit AS fwhm,
    p.sky / l.sky_unit AS sky, p.secz / l.secz_unit AS secz
FROM photometry_points p
JOIN lightcurves l ON l.lightcurve_id = p.lightcurve_id
JOIN alerts a ON a.alert_id = l.alert_id;

-- Each alert's lightcurve in a few characters, for the thumbnails beside alert names (sparklines.py): the
-- lightcurve drawn, its time window (HJD - 2450000), its brightest and faintest bin, one character per bin.
CREATE TABLE sparklines (
    alert_id INTEGER PRIMARY KEY REFERENCES alerts(alert_id),
    telescope TEXT NOT NULL,
    band TEXT NOT NULL,
    hjd_from REAL NOT NULL,
    hjd_to REAL NOT NULL,
    mag_bright REAL NOT NULL,
    mag_faint REAL NOT NULL,
    heights TEXT NOT NULL
);

-- The joint point-lens fit of each physical event over every survey's photometry (fit/), and
-- each dataset's part in it. Times are HJD - 2450000; fluxes in MulensModel's units (magnitude 22 = flux 1).
CREATE TABLE fits (
    event_id INTEGER PRIMARY KEY REFERENCES events(event_id),
    status TEXT NOT NULL,
    reason TEXT,
    kind TEXT,
    solution TEXT,   -- the u0 solution (fit_solutions) these values are: '+' or '-'; NULL without parallax
    posterior TEXT,  -- where the _err come from: 'sampled', 'sampled, not converged', or 'curvature'
    t0 REAL, t0_err REAL, u0 REAL, u0_err REAL, tE REAL, tE_err REAL,
    piE_N REAL, piE_N_err REAL, piE_E REAL, piE_E_err REAL, piE REAL, piE_err REAL, t0_par REAL,
    largest_shift_before REAL, largest_shift_after REAL,  -- when u = sqrt(2): a dark lens's largest shift
    tE_lower_limit REAL,  -- unconstrained fits: tE's one-sided 97.5% lower limit (posterior or chi2 profile)
    last_hjd REAL,  -- the data's last time
    peak_mag REAL, peak_mag_err REAL,  -- the peak the model predicts, where t0 is after last_hjd (reference's band)
    forecast_from TEXT,  -- the draws of the forecast: 'sampled' (the posterior's) or 'curvature'
    chi2 REAL, dof INTEGER, chi2_dof REAL, delta_chi2_u0 REAL, delta_chi2_parallax REAL,
    n_datasets INTEGER, n_points INTEGER, n_dropped INTEGER,
    reference_lightcurve_id INTEGER REFERENCES lightcurves(lightcurve_id),
    fitted_at TEXT,
    inputs TEXT
);
CREATE INDEX fits_tE ON fits(tE);
-- Each u0 solution of a parallax fit, with its posterior's percentiles where it was sampled (fit/posterior.py), and
-- an even thinning of its draws, each weighted by its solution's share of the posterior.
CREATE TABLE fit_solutions (
    event_id INTEGER NOT NULL REFERENCES fits(event_id),
    solution TEXT NOT NULL,
    is_best INTEGER NOT NULL,
    t0 REAL, u0 REAL, tE REAL, piE_N REAL, piE_E REAL, piE REAL,
    chi2 REAL, delta_chi2 REAL,
    posterior TEXT, sampler TEXT, effective_samples REAL, autocorrelation_steps REAL, acceptance REAL,
    steps INTEGER,
    {percentile_columns},
    PRIMARY KEY (event_id, solution)
);
CREATE TABLE fit_samples (
    event_id INTEGER NOT NULL REFERENCES fits(event_id),
    solution TEXT NOT NULL,
    draw INTEGER NOT NULL,
    t0 REAL, u0 REAL, tE REAL, piE_N REAL, piE_E REAL,
    weight REAL NOT NULL,
    PRIMARY KEY (event_id, solution, draw)
);
-- The fitted model in the reference dataset's magnitudes, for the charts: JSON [[hjd, mag], ...]; and past the
-- last point, the forecast's band (fit/forecast.py): JSON [[hjd, mag p16, p50, p84], ...].
CREATE TABLE fit_curves (
    event_id INTEGER PRIMARY KEY REFERENCES fits(event_id),
    model_curve TEXT NOT NULL,
    forecast TEXT
);
CREATE TABLE fit_datasets (
    event_id INTEGER NOT NULL REFERENCES fits(event_id),
    lightcurve_id INTEGER NOT NULL REFERENCES lightcurves(lightcurve_id),
    alert_name TEXT NOT NULL REFERENCES alerts(alert_name),
    telescope TEXT NOT NULL,
    band TEXT NOT NULL,
    n_points INTEGER, n_used INTEGER, chi2 REAL, error_scale REAL, chi2_dof_published REAL,
    source_flux REAL, blend_flux REAL,
    flux_held INTEGER, is_reference INTEGER NOT NULL,
    PRIMARY KEY (event_id, lightcurve_id)
);

-- When HST can point at each current event (this season's or the last) in the year from the build's day: runs of
-- days with the Sun at least sun_limit_deg away (visibility.py). Dates UTC, both ends included.
CREATE TABLE hst_windows (
    event_id INTEGER NOT NULL REFERENCES events(event_id),
    sun_limit_deg REAL NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    PRIMARY KEY (event_id, sun_limit_deg, opens)
);

-- MODEL probabilities of each sampled event's lens class under each of popclass's three PopSyCLE models, and the
-- theta_E and largest astrometric shift (mas) those models give for its (tE, piE) (lens_class.py).
CREATE TABLE lens_classes (
    event_id INTEGER NOT NULL REFERENCES fits(event_id),
    model TEXT NOT NULL,
    parameters TEXT NOT NULL,  -- what the event was classified in: 'tE, piE' or 'tE'
    p_star REAL, p_white_dwarf REAL, p_neutron_star REAL, p_black_hole REAL, p_none REAL,
    theta_E_p16 REAL, theta_E_p50 REAL, theta_E_p84 REAL,
    largest_shift_p16 REAL, largest_shift_p50 REAL, largest_shift_p84 REAL,
    simulated_events REAL,
    posterior_digest TEXT NOT NULL,
    PRIMARY KEY (event_id, model)
);

-- One row per physical event, where every candidate question starts: its alerts' names, the joint fit's verdict
-- and values (the best u0 solution's posterior percentiles where it was sampled), each survey's tE beside it, the
-- surveys' fits at their bounds, and the peak's date and distance from the build's day. Times are HJD - 2450000.
CREATE VIEW candidates AS
SELECT e.event_id,
    (SELECT group_concat(alert_name, ' = ') FROM (SELECT alert_name FROM alerts WHERE event_id = e.event_id
        ORDER BY survey != 'OGLE', survey != 'MOA', alert_name)) AS title,
    (SELECT alert_name FROM alerts WHERE event_id = e.event_id
        ORDER BY survey != 'OGLE', survey != 'MOA', alert_name LIMIT 1) AS alert_name,
    e.n_alerts, e.season,
    f.status AS verdict, f.reason, f.kind, f.posterior,
    f.tE, f.tE_err, f.tE_lower_limit, s.tE_p2_5, s.tE_p16, s.tE_p50, s.tE_p84, s.tE_p97_5,
    f.u0, f.u0_err, s.u0_p16, s.u0_p50, s.u0_p84,
    f.piE, f.piE_err, s.piE_p2_5, s.piE_p16, s.piE_p50, s.piE_p84, s.piE_p97_5,
    f.delta_chi2_parallax, f.delta_chi2_u0,
    f.t0, f.t0_err, date(f.t0 + 2450000) AS t0_date,
    round(julianday(b.value) - 2450000 - f.t0, 1) AS days_since_peak, date(b.value) AS build_date,
    CASE WHEN f.t0 > f.last_hjd THEN 1 WHEN f.t0 IS NOT NULL THEN 0 END AS peak_ahead,
    CASE WHEN f.status = 'ok' AND f.t0 > f.last_hjd THEN date(f.t0 + 2450000) END AS predicted_peak_date,
    f.peak_mag AS predicted_peak_mag, f.peak_mag_err AS predicted_peak_mag_err,
    CASE WHEN f.status = 'ok' THEN date(f.largest_shift_after + 2450000) END AS largest_shift_date,
    CASE WHEN f.status = 'ok' AND date(f.largest_shift_after + 2450000) BETWEEN date(b.value)
        AND date(b.value, '+365 days') THEN EXISTS (SELECT 1 FROM hst_windows w WHERE w.event_id = e.event_id
        AND w.sun_limit_deg = 50 AND date(f.largest_shift_after + 2450000) BETWEEN w.opens AND w.closes)
        END AS largest_shift_in_hst_window,
    (SELECT min(p_black_hole) FROM lens_classes c WHERE c.event_id = e.event_id) AS p_black_hole_low,
    (SELECT max(p_black_hole) FROM lens_classes c WHERE c.event_id = e.event_id) AS p_black_hole_high,
    (SELECT max(p_none) FROM lens_classes c WHERE c.event_id = e.event_id) AS p_none_high,
    (SELECT min(parameters) FROM lens_classes c WHERE c.event_id = e.event_id) AS classified_in,
    (SELECT min(largest_shift_p16) FROM lens_classes c WHERE c.event_id = e.event_id) AS largest_shift_mas_low,
    (SELECT max(largest_shift_p84) FROM lens_classes c WHERE c.event_id = e.event_id) AS largest_shift_mas_high,
    e.ogle_tE, e.ogle_tE_err, e.moa_tE, e.moa_tE_err, e.kmt_tE, e.kmt_tE_err,
    (SELECT group_concat(alert_name || ' ' || survey_fit_flags, '; ') FROM alerts
        WHERE event_id = e.event_id AND survey_fit_flags IS NOT NULL) AS survey_fit_flags,
    (SELECT opens || ' to ' || closes FROM hst_windows w WHERE w.event_id = e.event_id AND w.sun_limit_deg = 50
        AND w.closes >= date(b.value) ORDER BY opens LIMIT 1) AS hst_window,
    (SELECT opens || ' to ' || closes FROM hst_windows w WHERE w.event_id = e.event_id AND w.sun_limit_deg = 55
        AND w.closes >= date(b.value) ORDER BY opens LIMIT 1) AS hst_window_55,
    e.ra, e.dec, e.l, e.b, e.max_tension_sigma
FROM events e
LEFT JOIN fits f ON f.event_id = e.event_id
LEFT JOIN fit_solutions s ON s.event_id = e.event_id AND s.is_best = 1
LEFT JOIN build_info b ON b.key = 'built_at';

-- What each alert was read from: its line in the season list (and context), and every file with its size and
-- time. The next build reads an alert again only when one of them changed (writer.py).
CREATE TABLE event_inputs (
    alert_name TEXT PRIMARY KEY,
    inputs_key TEXT NOT NULL,
    reads TEXT NOT NULL,
    fetched_from TEXT
);

-- Cross-references the surveys publish: KMTNet's related-event column, MOA's moa2ogle list.
CREATE TABLE published_crossrefs (
    alert_name TEXT NOT NULL REFERENCES alerts(alert_name),
    other_name TEXT NOT NULL,
    source TEXT NOT NULL,
    published_as TEXT,
    PRIMARY KEY (alert_name, other_name, source)
);
CREATE INDEX published_crossrefs_other ON published_crossrefs(other_name);

-- Pairs of alerts believed to be the same physical event, one row per method that found the pair.
CREATE TABLE crossmatches (
    alert_name TEXT NOT NULL REFERENCES alerts(alert_name),
    other_name TEXT NOT NULL REFERENCES alerts(alert_name),
    method TEXT NOT NULL,
    separation_arcsec REAL,
    delta_t0 REAL,
    PRIMARY KEY (alert_name, other_name, method)
);
CREATE INDEX crossmatches_other ON crossmatches(other_name);
""" + f"""
CREATE TABLE events (
    event_id INTEGER PRIMARY KEY,
    n_alerts INTEGER NOT NULL,
    season INTEGER NOT NULL,
    {", ".join(f"{c} {'TEXT' if c.endswith(('_name', 'disagreements', 'untested', 'same_survey_alerts')) else 'REAL'}"
               for c in EVENT_COLUMNS[3:])}
);
""" + """

CREATE TABLE build_problems (
    id INTEGER PRIMARY KEY,
    survey TEXT,
    season INTEGER,
    alert_name TEXT,
    kind TEXT NOT NULL,
    url TEXT,
    line INTEGER,
    detail TEXT
);

CREATE TABLE build_info (
    key TEXT PRIMARY KEY,
    value TEXT
);
""" + HISTORY_SCHEMA
SCHEMA = SCHEMA.replace("{percentile_columns}", ", ".join(f"{c} REAL" for c in PERCENTILE_COLUMNS))


def table_columns():
    """{table: its columns in order} of every table in SCHEMA, read off SCHEMA itself (once, in memory): the
    one list every insert and export uses."""
    import sqlite3
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")] for table in tables}
    db.close()
    return found


COLUMNS = table_columns()
ALERT_COLUMNS, CROSSMATCH_COLUMNS = COLUMNS["alerts"], COLUMNS["crossmatches"]
FIT_COLUMNS, DATASET_COLUMNS = COLUMNS["fits"], COLUMNS["fit_datasets"]
SOLUTION_COLUMNS, SAMPLE_COLUMNS = COLUMNS["fit_solutions"], COLUMNS["fit_samples"]

# A database built with another schema is not carried over from: the next build starts afresh.
VERSION = hashlib.sha1(SCHEMA.encode()).hexdigest()[:12]
# What an incremental build writes whole at the end, from what it carried and what it read.
REWRITTEN_TABLES = ["alerts", "events", "hst_windows", "crossmatches", "published_crossrefs", "sources", "build_problems",
                    "event_inputs", "build_info", "alert_history", "build_runs", "build_run_sources"]
