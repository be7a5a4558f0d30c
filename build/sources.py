"""The surveys: where their alerts come from, whom to credit, and their data policies."""

from . import kmtnet

SOURCES = [
    {
        "survey": "OGLE",
        "name": "OGLE-IV Early Warning System (Optical Gravitational Lensing Experiment, University of Warsaw)",
        "home_url": "https://ogle.astrouw.edu.pl/ogle4/ews/ews.html",
        "data_url": "https://www.astrouw.edu.pl/ogle/ogle4/ews/",
        "credit": "Udalski, A. 2003, Acta Astron. 53, 291 (OGLE-III EWS); Udalski, A., Szymanski, M. K. & "
                  "Szymanski, G. 2015, Acta Astron. 65, 1 (OGLE-IV).",
        "data_policy": "OGLE EWS alerts and photometry are public. Cite the OGLE papers above when you use them.",
    },
    {
        "survey": "MOA",
        "name": "MOA alerts (Microlensing Observations in Astrophysics)",
        "home_url": "https://moaprime.massey.ac.nz/alerts/index/moa/",
        "data_url": "https://www.massey.ac.nz/~iabond/moa/",
        "credit": "Bond, I. A. et al. 2001, MNRAS 327, 868; Sumi, T. et al. 2003, ApJ 591, 204.",
        "data_policy": "MOA alerts are public. Acknowledge the MOA collaboration when you use them.",
    },
    {
        "survey": "KMT",
        "name": "KMTNet alerts (Korea Microlensing Telescope Network, KASI)",
        "home_url": "https://kmtnet.kasi.re.kr/~ulens/",
        "data_url": "https://kmtnet.kasi.re.kr/~ulens/event/",
        "credit": "Kim, S.-L. et al. 2016, JKAS 49, 37 (KMTNet); Kim, D.-J. et al. 2018, AJ 155, 76 (EventFinder); "
                  "Kim, H.-W. et al. 2018, arXiv:1804.03352 (AlertFinder).",
        "data_policy": kmtnet.DATA_POLICY + " (KMTNet Data Policy, https://kmtnet.kasi.re.kr/~ulens/event/)",
    },
]
