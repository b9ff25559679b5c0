"""Evaluation harness: SR and NVS protocols, built-in baselines, reports, pictures, distributed runs.

Protocols and report formats: ``docs/EVALUATION.md``; metric definitions: ``docs/METRICS.md``.
"""

from gameir.evaluation.device import resolve_device
from gameir.evaluation.nvs import NVS_BUILTINS, evaluate_nvs, resolve_nvs_method
from gameir.evaluation.predictor import evaluate_sr_predictor
from gameir.evaluation.protocol import Protocol, dataset_identity, load_protocol, protocol_line, resolve_protocol
from gameir.evaluation.report import format_table, write_reports
from gameir.evaluation.sr import evaluate_sr
from gameir.evaluation.sr_methods import SR_BUILTINS, resolve_sr_method
from gameir.evaluation.stats import Interval, excludes_zero, normal_ci, paired_bootstrap_ci
from gameir.evaluation.summary import summarize_records

__all__ = [
    "Interval",
    "NVS_BUILTINS",
    "Protocol",
    "SR_BUILTINS",
    "dataset_identity",
    "evaluate_nvs",
    "evaluate_sr",
    "evaluate_sr_predictor",
    "excludes_zero",
    "format_table",
    "load_protocol",
    "normal_ci",
    "paired_bootstrap_ci",
    "protocol_line",
    "resolve_device",
    "resolve_nvs_method",
    "resolve_protocol",
    "resolve_sr_method",
    "summarize_records",
    "write_reports",
]
