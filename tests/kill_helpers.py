"""Builds to kill, started fast: a forkserver imports the pipeline and warms
great-expectations once (this module is its preload), and each build is a
fork of it running the CLI's main, so a round costs the build, not the
4-7 s of imports a fresh `python -m pipeline` pays."""
import multiprocessing
import os
import resource
import signal
import sys

from pipeline import cli, validate

validate._gx()


def run_cli(argv: list[str], file_size_limit: int | None = None) -> None:
    """The CLI in this process; with `file_size_limit`, every file it writes
    fails past that many bytes (EFBIG), as a full disk would fail it."""
    multiprocessing.set_start_method("fork", force=True)    # the worker pool forks, as on Linux by default
    if file_size_limit is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
    code = cli.main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.kill_helpers"])
    return ctx
