"""Benchmark: verify_object on a 1 GB object, against a plain boto3 download of the same object.

    make bench-verify                        # starts its own moto S3 server on a free port
    S3_ENDPOINT_URL=http://127.0.0.1:9000 S3_BUCKET=bench S3_ACCESS_KEY_ID=... S3_SECRET_ACCESS_KEY=... \\
        make bench-verify                    # or any S3-compatible server you run (MinIO, ...)
    make bench-verify BENCH_ARGS="--size-mb 256 --repeat 1"

Each measured run is a fresh child process (so its peak RSS is its own, read with wait4): "verify" runs
portfolio.evidence.verification.verify_object; "boto3" streams get_object to nothing, 1 MiB at a time.
Goals: verify's peak RSS under 150 MB, its throughput at least 70% of boto3's. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


class _PdfLikeStream:
    """1 MiB of random bytes repeated behind a PDF header: generated as read, never held whole."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        self.block = os.urandom(MIB)

    def read(self, n: int = -1) -> bytes:
        remaining = self.size - self.position
        n = remaining if n is None or n < 0 else min(n, remaining)
        out = bytearray()
        while len(out) < n:
            if self.position + len(out) < len(self.header):
                start = self.position + len(out)
                out += self.header[start : start + n - len(out)]
                continue
            offset = (self.position + len(out)) % MIB
            out += self.block[offset : offset + n - len(out)]
        self.position += len(out)
        return bytes(out)


def _client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=os.environ.get("S3_REGION", "eu-west-2"),
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID", "bench"),
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY", "bench"),
    )


def _child(mode: str, key: str, size: int) -> None:
    """Runs in the measured process: one verification, or one plain download."""
    if mode == "verify":
        import django

        django.setup()
        from portfolio.evidence.verification import verify_object

        # Timed from here: start-up (imports, settings) is not throughput.
        started = time.perf_counter()
        result = verify_object(key=key, declared_size=size, declared_name="large.pdf", max_size=size)
        if not result.ok:
            raise SystemExit(f"verification failed: {result.reason}")
        detail = result.sha256[:16]
    else:
        client = _client(os.environ["S3_ENDPOINT_URL"])
        started = time.perf_counter()
        body = client.get_object(Bucket=os.environ["S3_BUCKET"], Key=key)["Body"]
        read = sum(len(chunk) for chunk in body.iter_chunks(MIB))
        assert read == size
        detail = f"{read} bytes"
    seconds = time.perf_counter() - started
    # VmHWM is this process's own peak resident memory. (ru_maxrss from wait4 would not do: Linux carries
    # the parent's peak at fork time over the exec into the child's figure.)
    status = Path("/proc/self/status").read_text().splitlines()
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "detail": detail}))


def _measure(mode: str, key: str, size: int, env: dict[str, str]) -> dict[str, Any]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, key, str(size)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{mode} run failed ({status}): {output}")
    result = json.loads(output.strip().splitlines()[-1])
    # ru_maxrss is in KiB on Linux.
    return {
        "mode": mode,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "mb_per_s": size / MIB / result["seconds"],
        **result,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    server.kill()
    raise SystemExit("moto_server did not start")


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    memory = f"{memory_kb / 1024 / 1024:.1f} GiB RAM"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024, help="object size in MiB (default 1024)")
    parser.add_argument("--repeat", type=int, default=2, help="measured runs of each mode (default 2)")
    args = parser.parse_args()
    size = args.size_mb * MIB
    server = None
    endpoint = os.environ.get("S3_ENDPOINT_URL")
    bucket = os.environ.get("S3_BUCKET", "bench")
    if not endpoint:
        server, endpoint = _start_moto()
    try:
        client = _client(endpoint)
        if server is not None:
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        key = f"bench/{os.urandom(8).hex()}"
        print(f"uploading {args.size_mb} MiB to {endpoint}/{bucket}/{key} ...", flush=True)
        client.upload_fileobj(_PdfLikeStream(size), bucket, key)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portfolio.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
            "VAR_DIR": tempfile.mkdtemp(prefix="bench-var-"),
            "S3_ENDPOINT_URL": endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID", "bench"),
            "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY", "bench"),
            "PYTHONPATH": str(REPO_ROOT),
        }
        env.pop("CLAMAV_ADDRESS", None)
        runs = [_measure(mode, key, size, env) for _ in range(args.repeat) for mode in ("boto3", "verify")]
        client.delete_object(Bucket=bucket, Key=key)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(f"\nmachine: {_machine()}\nobject: {args.size_mb} MiB on {'moto (local)' if server else endpoint}\n")
    print("| run | mode | seconds | MiB/s | peak RSS (MB) |\n|---|---|---|---|---|")
    for number, run in enumerate(runs, start=1):
        print(f"| {number} | {run['mode']} | {run['seconds']:.1f} | {run['mb_per_s']:.0f} | {run['peak_rss_mb']:.0f} |")
    best = {mode: max(r["mb_per_s"] for r in runs if r["mode"] == mode) for mode in ("boto3", "verify")}
    peak = max(r["peak_rss_mb"] for r in runs if r["mode"] == "verify")
    ratio = best["verify"] / best["boto3"]
    print(
        f"\nverify: best {best['verify']:.0f} MiB/s = {ratio:.0%} of boto3 (goal >= 70%); "
        f"peak RSS {peak:.0f} MB (goal < 150 MB)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
