"""Deprecated path: the compiled fast path lives in `mlengineer.deploy.fastpath` (or `from mlengineer import
compile_fast`). Kept because earlier READMEs imported it from here; written by hand, not exported."""
import warnings

from .deploy.fastpath import FastPredictor, bench_single_row, compile_fast

__all__ = ["FastPredictor", "bench_single_row", "compile_fast"]
warnings.warn("mlengineer.fastpath moved to mlengineer.deploy.fastpath; import compile_fast from mlengineer "
              "(`from mlengineer import compile_fast`)", DeprecationWarning, stacklevel=2)
