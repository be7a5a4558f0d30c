"""The positional crossmatch of every alert of every season, against a brute-force pairwise search."""

import time

import numpy


def crossmatch_all_seasons(n_alerts=75_000, seed=2):
    """Positional matching of every alert of every season at once, against a brute-force search of a
    sample (the vectorised KD-tree search must finish in seconds)."""
    from microlensing_to_sqlite.crossmatch import crossmatch_rows, separation_arcsec

    rng = numpy.random.default_rng(seed)
    surveys = ["OGLE", "MOA", "KMT"]
    stars = n_alerts // 3  # each star alerted three times: i, i + stars, i + 2 stars, by three surveys
    ra, dec = rng.uniform(262, 272, stars), rng.uniform(-35, -22, stars)
    alerts = []
    for i in range(n_alerts):
        star = i % stars
        jitter = rng.normal(0, 0.5 / 3600, 2)
        alerts.append({"alert_name": f"{surveys[i % 3]}-2025-BLG-{i:05d}", "alert_id": i, "survey": surveys[i % 3],
                       "season": 2016 + i % 10, "ra": ra[star] + jitter[0], "dec": dec[star] + jitter[1], "t0": 0.0})
    start = time.perf_counter()
    rows = crossmatch_rows(alerts, [])
    seconds = time.perf_counter() - start
    sample = alerts[:300]
    start = time.perf_counter()
    brute = sum(1 for i, a in enumerate(sample) for b in sample[i + 1:] if separation_arcsec(a, b) <= 2)
    brute_seconds = (time.perf_counter() - start) * (n_alerts / len(sample)) ** 2
    return {"alerts": n_alerts, "pairs": len(rows), "seconds": seconds, "brute_seconds": brute_seconds,
            "brute_pairs_in_sample": brute}
