# SPDX-License-Identifier: MIT
"""sasim from Python: the same runs, reports and one-line errors as the `sasim` command (docs/python.md).

    import sasim
    rep = sasim.run("configs/gemmini_16x16.json", "workloads/resnet50.json", timing_only=True)
    rep["totals"]["cycles"]            # report.json's content, as a dict
    rep.layers_frame()                 # a pandas DataFrame of the layers (pandas needed only here)

Each call runs the command line in a forked child process (SystemC elaborates once per process), so
calls are independent and may come from several threads. Configs and workloads are paths, or dicts that
are written to a temporary file first. Errors raise InputError (bad config, workload or option: a
ValueError), SimulationError (the model stopped: a RuntimeError) or CheckFailed (outputs differ from the
reference; its `report` has the run), each with sasim's own message.
"""
import json
import os
import tempfile

from . import _core

__all__ = ["run", "roofline", "estimate", "sweep", "load_config", "Report", "SasimError", "InputError",
           "SimulationError", "CheckFailed", "version", "executable"]

version = _core.version
executable = _core.executable  # the sasim binary this module was built with


class SasimError(Exception):
    """A sasim command failed; `exit_code` and `stderr` are the command's."""

    def __init__(self, message, exit_code, stderr):
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr


class InputError(SasimError, ValueError):
    """Bad input: a config, workload or option sasim refuses (exit code 2)."""


class SimulationError(SasimError, RuntimeError):
    """The simulation stopped (exit code 3): a deadlock, a model error, out of memory."""


class CheckFailed(SasimError):
    """The outputs differ from the reference (exit code 1); `report` is the run's Report."""

    def __init__(self, message, exit_code, stderr, report):
        super().__init__(message, exit_code, stderr)
        self.report = report


class Report(dict):
    """report.json's content (a dict), with the layers as a pandas DataFrame on demand."""

    def layers_frame(self):
        """One row per layer, the columns of layers.csv (docs/report.md): pandas is imported here."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("Report.layers_frame needs pandas (Debian: python3-pandas)") from e
        rows = []
        for l in self["layers"]:
            row = {"layer": l["name"], "simulated": l.get("simulated", False), "op": l.get("op", l.get("kind"))}
            if l.get("simulated"):
                g = l.get("gemm", {})
                bd = l.get("cycle_breakdown", {})
                tr = l.get("traffic", {})
                row.update({"count": g.get("count"), "m": g.get("m"), "n": g.get("n"), "k": g.get("k"),
                            "macs": l.get("macs"), "cycles": l.get("cycles"), "utilization": l.get("utilization"),
                            "compute_cycles": bd.get("compute"), "pipeline_cycles": bd.get("pipeline"),
                            "stall_dram_bandwidth": bd.get("dram_bandwidth"), "stall_dram_latency": bd.get("dram_latency"),
                            "stall_bank_conflict": bd.get("bank_conflict"), "stall_queue_full": bd.get("queue_full"),
                            "stall_dependency_wait": bd.get("dependency_wait"),
                            "dram_read_bytes": tr.get("dram_read_bytes"), "dram_write_bytes": tr.get("dram_write_bytes"),
                            "energy_pj": l.get("energy", {}).get("total_pj"),
                            "reused_from": l.get("reused_from")})
            rows.append(row)
        df = pd.DataFrame(rows)
        for col in ("count", "m", "n", "k", "macs", "cycles", "compute_cycles", "pipeline_cycles", "stall_dram_bandwidth",
                    "stall_dram_latency", "stall_bank_conflict", "stall_queue_full", "stall_dependency_wait",
                    "dram_read_bytes", "dram_write_bytes"):
            if col in df:
                df[col] = df[col].astype("Int64")  # integers, with <NA> where a layer is not simulated
        return df


def _cli(args):
    rc, out, err = _core.run_cli([str(a) for a in args])
    message = err.strip().splitlines()[-1] if err.strip() else f"sasim exited with {rc}"
    if rc == 2:
        raise InputError(err.strip() or message, rc, err)
    if rc not in (0, 1):
        raise SimulationError(err.strip() or message, rc, err)
    return rc, out, err


class _Inputs:
    """Paths for configs and workloads given as dicts: written to a temporary directory for one call."""

    def __init__(self):
        self._dir = None

    def path(self, value, name):
        if isinstance(value, (str, os.PathLike)):
            return os.fspath(value)
        if isinstance(value, dict):
            if self._dir is None:
                self._dir = tempfile.TemporaryDirectory(prefix="sasim_py_")
            p = os.path.join(self._dir.name, name + ".json")
            with open(p, "w") as f:
                json.dump(value, f)
            return p
        raise TypeError(f"{name}: a path or a dict, not {type(value).__name__}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._dir is not None:
            self._dir.cleanup()


def _options(kw):
    """Keyword options as command-line options: timing_only=True -> --timing-only, jobs=2 -> --jobs 2."""
    args = []
    for key, value in kw.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, str(value)]
    return args


def run(config, workload, **options):
    """Simulates `workload` on `config` as `sasim run` does; returns the Report (report.json's content).

    Options are sasim run's, as keywords: mapper="heuristic", timing_only=True, no_check=True, seed=3,
    jobs=2, mapper_cache="none", mapping="mapping.json", max_memory="4G", no_layer_reuse=True, ...
    (`sasim run --help`). A failed result check raises CheckFailed, which carries the report."""
    with _Inputs() as inp:
        rc, out, err = _cli(["run", "-q", "--format", "json", "-c", inp.path(config, "config"), "-w",
                             inp.path(workload, "workload")] + _options(options))
    rep = Report(json.loads(out))
    if rc == 1:
        raise CheckFailed(err.strip() or "result check failed", rc, err, rep)
    return rep


def roofline(config, workload=None):
    """The config's roofline (`sasim roofline --format json`), with each layer placed on it when a workload is given."""
    with _Inputs() as inp:
        args = ["roofline", "--format", "json", "-c", inp.path(config, "config")]
        if workload is not None:
            args += ["-w", inp.path(workload, "workload")]
        return json.loads(_cli(args)[1])


def estimate(config, workload):
    """SCALE-Sim's analytical estimate (`sasim estimate --format json`)."""
    with _Inputs() as inp:
        return json.loads(_cli(["estimate", "--format", "json", "-c", inp.path(config, "config"), "-w",
                                inp.path(workload, "workload")])[1])


def sweep(spec, out, jobs=None, **options):
    """Runs a sweep spec (`sasim sweep SPEC --out OUT`) and returns results.csv's rows as dicts (or, with
    pandas installed, call pandas.read_csv(os.path.join(out, "results.csv")) for a DataFrame)."""
    import csv
    with _Inputs() as inp:
        _cli(["sweep", inp.path(spec, "sweep"), "--out", os.fspath(out), "-q"] +
             (["--jobs", str(jobs)] if jobs else []) + _options(options))
    with open(os.path.join(os.fspath(out), "results.csv"), newline="") as f:
        return list(csv.DictReader(f))


def load_config(config):
    """The config as sasim reads it (a path to JSON or SCALE-Sim .cfg, or a dict), validated, with every key
    resolved (defaults filled in): a dict. Raises InputError with sasim's message when sasim refuses it."""
    with _Inputs() as inp:
        ok, text = _core.load_config_json(inp.path(config, "config"))
    if not ok:
        raise InputError(text, 2, text + "\n")
    return json.loads(text)
