"""bopsim.experiments: the command line, single runs, batch experiments and figures.

The model's matrix products are small (actors x actors times actors x regions); a threaded BLAS
gains nothing on an idle machine and, when other processes compete for the cores (a batch's own
workers, for one), slows a step up to ten-fold (benchmarks/results.md, section e, measured both
ways). Batch runs parallelise over processes instead. So the
command line pins BLAS to one thread unless the user has set these variables; this must happen
before numpy is first imported.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
