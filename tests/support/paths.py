"""Where the test data are. Tests read these folders and never write into them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
# Real files recorded from the survey sites, laid out as the build's mirror: `<host>/<url path>`.
RECORDED_MIRROR = DATA / "mirror"
# Real survey data that is not a servable file (modified or partial copies), by folder.
RECORDED_EXCERPTS = DATA / "excerpts"
# MOA pages of which no real copy exists, written by hand (see its README).
HANDWRITTEN_MOA = DATA / "handwritten-moa"
# The OGLE-IV EWS data files and the KMTNet event folders, under their host and URL path.
OGLE_EWS = RECORDED_MIRROR / "www.astrouw.edu.pl" / "ogle" / "ogle4" / "ews"
KMTNET_EVENT = RECORDED_MIRROR / "kmtnet.kasi.re.kr" / "~ulens" / "event"
MOA_OLD = RECORDED_MIRROR / "www.massey.ac.nz" / "~iabond" / "moa"
# The folder of recorded files beside the repository, which tests must not write into either.
SHARED = ROOT.parent / "shared"
