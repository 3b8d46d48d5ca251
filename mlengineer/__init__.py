"""mlengineer: from a raw table to a deployed, explained, fair, monitored model.

The names below are the public API (`from mlengineer import AutoML, load_table, compile_fast`); each is imported on
first use, so `import mlengineer` stays cheap. The stages live in subpackages: `engine` (features, models, search,
ensemble), `assess` (metrics, decisions, evaluate, explain, explain_plots, fairness, mitigation), `deploy` (registry,
fastpath, predlog, serving, ONNX export, MLflow) and `monitor` (drift, performance, verdict, retrain); `nbs/index.ipynb` has
the map."""
__version__ = "0.0.1"

import importlib

_API = {
    "MLEngineerError": "errors",
    "load_table": "data", "infer_schema": "data", "quality_report": "quality", "split_holdout": "data",
    "cv_folds": "data", "Schema": "data",
    "save_bundle": "bundle", "load_bundle": "bundle", "bundle_info": "bundle",
    "AutoML": "automl",
    "evaluate": "assess.evaluate", "best_threshold": "assess.decisions", "cost_matrix": "assess.decisions",
    "tree_shap": "assess.explain", "permutation_importance": "assess.explain",
    "partial_dependence": "assess.explain", "explain_row": "assess.explain",
    "group_metrics": "assess.fairness", "audit_model": "assess.fairness", "mitigate_thresholds": "assess.mitigation",
    "Registry": "deploy.registry", "compile_fast": "deploy.fastpath", "PredictionLog": "deploy.predlog",
    "score_file": "deploy.batch", "make_app": "deploy.http", "serve": "deploy.http",
    "export_onnx": "deploy.onnx_export", "log_to_mlflow": "deploy.mlflow",
    "drift_report": "monitor.drift", "performance_report": "monitor.performance", "retrain": "monitor.retrain",
    "run_report": "reports",
}
__all__ = sorted(_API)


def __getattr__(name):
    if name not in _API:
        raise AttributeError(f"module 'mlengineer' has no attribute {name!r}")
    module = importlib.import_module(f".{_API[name]}", __name__)
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_API})
