"""The evidence matrix's machinery (used by loaders/evidence_matrix.py; not part of the gameir package).

matrix.py   the declared matrix (loaders/matrix.toml) -> data sets, runs, test sets
data.py     rendering the data sets with `gameir render` overrides; slice coverage
jobs.py     jobs on disk (digests, reuse) and the worker pool (signals, side-by-side runs)
worker.py   one job in its own process: chunked training with the flattening rule, then scoring
testsets.py test items (native / degraded LR), predictors, per-clip metrics
speed.py    measured step times and the compute estimate
claims.py   arms' per-clip scores, paired intervals, CI-gated sentences
report.py   RESULTS.md
"""
