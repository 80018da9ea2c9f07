"""The throughput bench: its Python load generator counts right, and the whole bench runs
end to end (throwaway database, gunicorn, load) and prints its figures."""

import http.server
import io
import json
import threading

import pytest
from django.core.management import call_command

from bench import http as http_bench


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/ok" else 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_the_python_load_generator_counts_requests_and_errors(server):
    good = http_bench.load_with_python(server + "/ok", 0.5)
    assert good["requests"] > 0 and good["errors"] == 0 and good["rps"] > 0
    bad = http_bench.load_with_python(server + "/fail", 0.3)
    assert bad["errors"] == bad["requests"] > 0


def test_bench_http_runs_end_to_end_and_prints_one_json_line(monkeypatch):
    # The Python loader, as on a machine without wrk (CI does not need it).
    monkeypatch.setattr(http_bench.shutil, "which", lambda name: None)
    monkeypatch.setattr(http_bench, "load_with_python", _short(http_bench.load_with_python))
    out = io.StringIO()
    call_command("bench", "http", "--quick", stdout=out, stderr=io.StringIO())
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["bench"] == "http" and result["loader"] == "python"
    pages = result["pages"]
    assert pages["hello"]["ratio_to_hello"] == 1.0
    for page in ("article", "home"):
        assert pages[page]["status"] == 200 and pages[page]["errors"] == 0
        assert pages[page]["rps"] > 0
    assert pages["search"].get("missing") or pages["search"]["status"] == 200
    uncached = result["pages_without_page_cache"]
    assert uncached["article"]["status"] == 200 and uncached["article"]["rps"] > 0
    assert set(result["targets"]) == {"article_rps_ratio_to_hello", "errors"}
    assert result["targets"]["errors"]["ok"]


def _short(load):
    return lambda url, seconds: load(url, 0.5)
