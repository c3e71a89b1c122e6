"""Paper figures: each figure runs (or reuses) its experiment, reduces it to one data table and draws it.

`bopsim figures` (experiments/commands/figures.py) builds them all; the list is in
`bopsim.experiments.figures.registry`, the style in `style.py` and `bopsim.mplstyle`.
"""
