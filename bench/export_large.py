"""Benchmark: export a large portfolio from the S3 server, against a plain S3 copy of the same bytes.

    make bench-export                           # 0.5, 1 and 2 GB portfolios of 20 MB files; moto S3 in its own process
    make bench-export BENCH_ARGS="--sizes 256,512 --file-mb 8"

A portfolio of N files of 20 MB (100 files: 2 GB) is seeded in the PostgreSQL database `bench_export`
(recreated) with its verified copies on a moto S3 server started in its own process (its memory is not
counted). Each measured run is a fresh child process whose own peak resident memory (VmHWM) is read:
"export" runs portfolio.exports.services.export_build (index, PDF, every file streamed into one ZIP in a
multipart upload); "copy" reads each object with get_object and writes the files one after another into one
object with a multipart upload of the same part size (the shape the export writes), "copy per file" writes each
file back as its own object, one after another: the same bytes through the same network path, with no ZIP. Goals: the
export's peak memory under 200 MB and flat with size; its throughput at least 70% of the copy's. Not part of
`make test`.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_large_object import _client, _machine, _start_moto

REPO = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
BENCH_DB = os.environ.get("BENCH_EXPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_export")
BUCKET = "bench-export"


def _peak_mb() -> float:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def _django() -> None:
    import django

    django.setup()


def _child_export(apprenticeship_id: int) -> None:
    _django()
    from portfolio.exports.models import PortfolioExport
    from portfolio.exports.services import export_build
    from portfolio.people.models import Apprenticeship, User

    apprenticeship = Apprenticeship.objects.get(pk=apprenticeship_id)
    export = PortfolioExport.objects.create(apprenticeship=apprenticeship, requested_by=User.objects.first())
    started = time.perf_counter()
    built = export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    if built is None or built.state != PortfolioExport.State.READY:
        raise SystemExit(f"export failed: {built and built.error}")
    print(json.dumps({"seconds": seconds, "bytes": built.size, "peak_rss_mb": _peak_mb(), "keys": [built.object_key]}))


def _child_copy(keys: list[str], *, one_object: bool) -> None:
    _django()
    from portfolio.storage import PART_SIZE, object_writer, open_object

    started = time.perf_counter()
    total = 0
    if not one_object:  # one object per file
        for number, key in enumerate(keys):
            with object_writer(f"bench/copy-{number}", content_type="application/pdf", part_size=PART_SIZE) as out:
                for chunk in open_object(key).chunks:
                    out.write(chunk)
                total += out.bytes_written
    else:  # the files one after another into one object: the shape of what the export writes
        with object_writer("bench/copy-all", content_type="application/octet-stream", part_size=PART_SIZE) as out:
            for key in keys:
                for chunk in open_object(key).chunks:
                    out.write(chunk)
            total = out.bytes_written
    seconds = time.perf_counter() - started
    written = ["bench/copy-all"] if one_object else [f"bench/copy-{n}" for n in range(len(keys))]
    print(json.dumps({"seconds": seconds, "bytes": total, "peak_rss_mb": _peak_mb(), "keys": written}))


def _run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    output = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if output.returncode != 0:
        raise SystemExit(f"{args[1]} failed: {output.stderr[-2000:]}")
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


class _FileStream:
    """`size` bytes: a per-file header, then 1 MiB random blocks; generated as read, hashed as it goes."""

    def __init__(self, size: int, block: bytes, header: bytes) -> None:
        self.size, self.block, self.header, self.position = size, block, header, 0
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.position if n is None or n < 0 else min(n, self.size - self.position)
        out = bytearray()
        while len(out) < n:
            at = self.position + len(out)
            if at < len(self.header):
                out += self.header[at : at + n - len(out)]
            else:
                offset = (at - len(self.header)) % MIB
                out += self.block[offset : offset + n - len(out)]
        self.position += len(out)
        self.digest.update(out)
        return bytes(out)


def _seed(sizes: list[int], file_mb: int, client: Any) -> dict[int, int]:
    """One apprenticeship per size, each with `size // file_mb` accepted items of one verified file."""
    import psycopg

    base, name = BENCH_DB.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    _django()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from portfolio.coverage.services.compute import coverage_recompute
    from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
    from portfolio.people.models import Apprenticeship, Organisation, User
    from portfolio.standards.models import AssessmentOutcome, OutcomeStatement, Standard, Statement

    now = timezone.now()
    standard = Standard.objects.create(
        reference="ST9999", version="1.0", title="Bench", source_digest="0" * 64, imported_at=now, updated_at=now
    )
    statement = Statement.objects.create(standard=standard, code="K1", kind="K", text="Knows the bench", position=1)
    outcome = AssessmentOutcome.objects.create(standard=standard, code="AO1", title="Outcome", position=1)
    OutcomeStatement.objects.create(outcome=outcome, statement=statement, position=1)
    provider = Organisation.objects.create(kind="provider", name="Bench provider")
    employer = Organisation.objects.create(kind="employer", name="Bench employer", provider=provider)
    largest = max(sizes) // file_mb
    block = os.urandom(MIB)
    objects: list[tuple[str, str]] = []
    for number in range(largest):
        key = f"verified/bench/{number:04d}"
        stream = _FileStream(file_mb * MIB, block, f"%PDF-1.7 file {number}\n".encode())
        client.upload_fileobj(stream, BUCKET, key)
        objects.append((key, stream.digest.hexdigest()))
    made: dict[int, int] = {}
    for size in sizes:
        apprentice = User.objects.create_user(f"apprentice{size}@bench.example.org", None)
        apprenticeship = Apprenticeship.objects.create(
            apprentice=apprentice,
            provider=provider,
            employer=employer,
            standard=standard,
            start_date=datetime.date(2025, 9, 1),
            planned_end_date=datetime.date(2027, 8, 31),
        )
        for number, (key, sha) in enumerate(objects[: size // file_mb]):
            item = Evidence.objects.create(
                apprenticeship=apprenticeship,
                author=apprentice,
                author_role="apprentice",
                kind="document",
                title=f"Item {number}",
                occurred_on=datetime.date(2026, 1, 1),
                state=Evidence.State.ACCEPTED,
                ever_submitted=True,
            )
            EvidenceTag.objects.create(evidence=item, statement=statement, state=EvidenceTag.State.ACCEPTED)
            EvidenceFile.objects.create(
                evidence=item,
                object_key=f"evidence/bench/{size}-{number}",
                verified_key=key,
                original_name=f"report {number}.pdf",
                declared_type="application/pdf",
                declared_size=file_mb * MIB,
                size=file_mb * MIB,
                sha256=sha,
                detected_type="application/pdf",
                state=EvidenceFile.State.VERIFIED,
                slot_expires_at=now,
                uploaded_by=apprentice,
                verified_at=now,
            )
        coverage_recompute(apprenticeship_ids=[apprenticeship.pk])
        made[size] = apprenticeship.pk
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="512,1024,2048", help="portfolio sizes in MiB (default 512,1024,2048)")
    parser.add_argument("--file-mb", type=int, default=20, help="size of each file in MiB (default 20)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    server, endpoint = _start_moto()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portfolio.settings",
        "DATABASE_URL": BENCH_DB,
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": tempfile.mkdtemp(prefix="bench-var-"),
        "S3_ENDPOINT_URL": endpoint,
        "S3_BUCKET": BUCKET,
        "S3_REGION": "eu-west-2",
        "S3_ACCESS_KEY_ID": "bench",
        "S3_SECRET_ACCESS_KEY": "bench",
        "PYTHONPATH": str(REPO),
    }
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update(env)
    results = []
    try:
        client = _client(endpoint)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        print(f"seeding {max(sizes)} MiB of files on {endpoint} ...", flush=True)
        apprenticeships = _seed(sizes, args.file_mb, client)
        keys = [f"verified/bench/{n:04d}" for n in range(max(sizes) // args.file_mb)]
        load = os.getloadavg()
        for size in sizes:
            count = size // args.file_mb
            copy = _run(["--child", "copy", json.dumps(keys[:count])], env)
            copies = _run(["--child", "copies", json.dumps(keys[:count])], env)
            export = _run(["--child", "export", str(apprenticeships[size])], env)
            for run in (copy, copies, export):
                for key in run["keys"]:
                    client.delete_object(Bucket=BUCKET, Key=key)
            results.append((size, count, copy, copies, export))
            print(f"{size} MiB done", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"\nmachine: {_machine()}\nload average when measuring began: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n")
    print(
        "| portfolio | files | copy into one object MiB/s | copy per file MiB/s | export MiB/s "
        "| export / copy into one object | export / copy per file | export peak RSS (MB) | copy peak RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size, count, copy, copies, export in results:
        rate = {
            name: run["bytes"] / MIB / run["seconds"]
            for name, run in (("one", copy), ("per", copies), ("export", export))
        }
        print(
            f"| {size} MiB | {count} | {rate['one']:.0f} | {rate['per']:.0f} | {rate['export']:.0f} "
            f"| {rate['export'] / rate['one']:.0%} | {rate['export'] / rate['per']:.0%} "
            f"| {export['peak_rss_mb']:.0f} | {max(copy['peak_rss_mb'], copies['peak_rss_mb']):.0f} |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        kind, argument = sys.argv[2], sys.argv[3]

        def run() -> None:
            if kind == "export":
                _child_export(int(argument))
            else:
                _child_copy(json.loads(argument), one_object=kind == "copy")

        if os.environ.get("BENCH_PROFILE_DIR"):  # where the time goes: one cProfile file per measured child
            import cProfile

            cProfile.run("run()", f"{os.environ['BENCH_PROFILE_DIR']}/{sys.argv[2]}-{os.getpid()}.prof")
        else:
            run()
    else:
        main()
