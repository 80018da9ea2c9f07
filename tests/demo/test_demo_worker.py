"""`./dev demo` serves the site with a task worker beside it, and stops the worker with it."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from demo.management.commands import demo


class FakeWorker:
    def __init__(self, args):
        self.args = args
        self.running = True

    def terminate(self):
        self.running = False

    def wait(self, timeout=None):
        return 0


@pytest.mark.django_db
def test_the_demo_starts_a_worker_before_serving_and_stops_it_after(monkeypatch, settings):
    settings.TASKS_BACKEND = "database"
    workers: list[FakeWorker] = []
    seen_while_serving: list[bool] = []

    def popen(args):
        workers.append(FakeWorker(args))
        return workers[-1]

    real_call_command = demo.call_command

    def call_command(name, *args, **kwargs):
        if name == "runserver":
            seen_while_serving.append(workers[0].running)
            raise KeyboardInterrupt  # the reader's Ctrl-C
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo.subprocess, "Popen", popen)
    handlers = {}
    monkeypatch.setattr(demo.signal, "signal", lambda sig, handler: handlers.update({sig: handler}))
    monkeypatch.setattr(demo, "call_command", call_command)
    with pytest.raises(KeyboardInterrupt):
        demo.Command(stdout=io.StringIO()).handle()
    [worker] = workers
    assert worker.args[-2:] == ["db_worker", "--no-reload"]
    assert seen_while_serving == [True]
    assert not worker.running  # stopped with the server
    # SIGTERM, too, ends the server through its clean-up, which stops the worker.
    with pytest.raises(SystemExit):
        handlers[demo.signal.SIGTERM](demo.signal.SIGTERM, None)


def test_the_demo_needs_no_worker_when_tasks_run_in_the_server(settings):
    settings.TASKS_BACKEND = "immediate"
    assert demo.Command(stdout=io.StringIO()).start_worker() is None


def test_a_worker_that_ignores_sigterm_is_killed():
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)"
    )
    stubborn = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    stubborn.stdout.readline()
    demo.stop_worker(stubborn, timeout=0.5)
    assert stubborn.returncode == -9
    stubborn.stdout.close()
