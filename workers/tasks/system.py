import os
import socket

from celery import shared_task


@shared_task(name="system.ping")
def ping(token: str) -> dict[str, str]:
    """Round trip through the broker: tests use it to prove a worker process answered."""
    return {"token": token, "worker_host": socket.gethostname(), "worker_pid": str(os.getpid())}
