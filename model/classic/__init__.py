"""The classic model families of the field, run by the same batch tools as the regional model.

`FAMILIES` maps the name an experiment file gives (`model = "tribute"`) to the model class; the
class carries its parameter model (`parameters_type`) and its default run length. The regional
model (`REGIONAL`) is the default family and is not listed here: it is built from a scenario.
"""

from __future__ import annotations

from model.classic.base import ClassicModel, ClassicParameters
from model.classic.geosim import GeoSimModel
from model.classic.realpolitik import RealpolitikModel
from model.classic.tribute import TributeModel

REGIONAL = "regional"
FAMILIES: dict[str, type[ClassicModel]] = {
    "tribute": TributeModel,
    "realpolitik": RealpolitikModel,
    "geosim": GeoSimModel,
}
MODEL_NAMES = (REGIONAL, *FAMILIES)

__all__ = ["FAMILIES", "MODEL_NAMES", "REGIONAL", "ClassicModel", "ClassicParameters"]
