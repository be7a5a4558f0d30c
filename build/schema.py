"""The database schema, in one place. Column descriptions and units live in metadata.yml."""

# Model parameters every survey may report, each followed by its 1-sigma uncertainty column.
MODEL_PARAMETERS = ["t0", "tE", "u0", "Amax", "Dmag", "fbl", "Ibase", "Isrc"]

ALERT_COLUMNS = [
    "alert_name", "alert_id", "short_name", "survey", "season", "region", "field", "star_id",
    "ra", "dec", "ra_hms", "dec_dms", "l", "b",
    *[c for p in MODEL_PARAMETERS for c in (p, p + "_err")],
    "classification", "classification_al", "Icat", "catalog_type", "A_I", "internal_id", "zp", "f_ref",
    "alert_date", "public_from", "remarks", "n_photometry", "alert_url", "data_url", "fetched_at",
]

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
    region TEXT NOT NULL,
    field TEXT,
    star_id TEXT,
    ra REAL, dec REAL, ra_hms TEXT, dec_dms TEXT, l REAL, b REAL,
    t0 REAL, t0_err REAL, tE REAL, tE_err REAL, u0 REAL, u0_err REAL,
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
    n_photometry INTEGER NOT NULL DEFAULT 0,
    alert_url TEXT,
    data_url TEXT,
    fetched_at TEXT
);
CREATE INDEX alerts_survey_season ON alerts(survey, season);
CREATE INDEX alerts_t0 ON alerts(t0);
CREATE INDEX alerts_tE ON alerts(tE);
CREATE INDEX alerts_short_name ON alerts(short_name);

-- The big table. Clustered on its key (WITHOUT ROWID) with a small integer alert key, so that there is
-- no second index and one alert's lightcurve is one contiguous range: about 50 bytes a row.
CREATE TABLE photometry (
    alert_id INTEGER NOT NULL REFERENCES alerts(alert_id),
    telescope TEXT NOT NULL,
    band TEXT NOT NULL,
    hjd REAL NOT NULL,
    mag REAL,
    mag_err REAL,
    delta_flux REAL,
    flux_err REAL,
    seeing REAL,
    fwhm REAL,
    sky REAL,
    secz REAL,
    PRIMARY KEY (alert_id, telescope, band, hjd)
) WITHOUT ROWID;

-- Cross-references the surveys publish: KMTNet's related-event column, MOA's moa2ogle list.
CREATE TABLE published_crossrefs (
    alert_name TEXT NOT NULL REFERENCES alerts(alert_name),
    other_name TEXT NOT NULL,
    source TEXT NOT NULL,
    published_as TEXT,
    PRIMARY KEY (alert_name, other_name, source)
);
CREATE INDEX published_crossrefs_other ON published_crossrefs(other_name);

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
"""
