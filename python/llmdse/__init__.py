"""LLM inference design-space exploration from Python.

The same estimators, presets and sweep engine as the ``llmdse`` command line
(one C++ core; nothing is reimplemented here):

* ``zoo(what=None)``: bundled models, hardware and runtimes.
* ``evaluate(design, estimator="analytical")``: one design (a dict with the keys of
  design files, e.g. ``{"model": "llama-3-8b", "hardware": "h100-sxm", "batch": 8}``);
  returns the dict ``llmdse evaluate --format json`` prints.
* ``sweep(study, threads=0, pareto=False, as_frame=None)``: a study (dict or file);
  one column per column of ``llmdse sweep``'s CSV, as numpy arrays, or a pandas
  DataFrame when pandas is installed.
* ``validate(data, runtime=None)``: measured runs against the estimator.

Bad input raises ``ValueError`` with the command line's message, naming the field.
"""
from ._llmdse import METRICS, __version__, design_fields, evaluate, validate, zoo
from ._llmdse import _sweep

__all__ = ["METRICS", "__version__", "design_fields", "evaluate", "sweep", "validate", "zoo"]


def sweep(study, *, threads=0, pareto=False, as_frame=None):
    """Evaluates every point of a study in parallel (all cores unless ``threads``).

    ``study``: a dict with the keys of a study file (``base``, ``grid``, ``random``,
    ``objectives``, ``estimator``) or the path of one.
    Returns the columns of ``llmdse sweep``'s CSV output (``index``, one per varied
    parameter, the metrics in ``METRICS``, ``error``) as numpy arrays: whole-number
    parameters int64, switches bool, other numbers float64, text object arrays of str;
    metrics are float64 (``fits`` 1.0/0.0) and NaN where ``error`` is set.
    ``pareto=True`` adds a bool column ``pareto`` marking the front of the study's
    objectives among the designs that fit.
    ``as_frame``: None gives a pandas DataFrame when pandas imports, else the dict;
    True requires pandas; False always gives the dict of numpy arrays.
    """
    columns = _sweep(study, threads=threads, pareto=pareto)
    if as_frame is False:
        return columns
    try:
        import pandas
    except ImportError:
        if as_frame:
            raise
        return columns
    return pandas.DataFrame(columns, copy=False)
