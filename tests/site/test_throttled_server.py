"""The benchmark's throttled static server (benchmarks/throttled_server.py): what it compresses, delays and counts."""

from __future__ import annotations

import gzip
import time
import urllib.request

from benchmarks.throttled_server import serve_throttled


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read(), time.perf_counter() - started


def test_text_and_wasm_are_gzipped_other_files_are_not_and_bytes_are_counted(tmp_path):
    (tmp_path / "app.js").write_text("let x = 1;\n" * 2000)
    (tmp_path / "engine.wasm").write_bytes(b"\0asm" + bytes(20_000))
    (tmp_path / "data.zip.gz").write_bytes(gzip.compress(b"z" * 20_000))
    with serve_throttled(tmp_path, "/sub/", rate_bits=8_000_000, latency=0.05) as (url, link):
        assert url.endswith("/sub/")
        link.reset()
        headers, body, seconds = fetch(url + "app.js")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == b"let x = 1;\n" * 2000
        assert seconds >= 0.05  # the latency before the first byte
        assert link.reset() >= len(body)
        headers, body, _ = fetch(url + "engine.wasm")
        assert headers["Content-Type"] == "application/wasm" and headers["Content-Encoding"] == "gzip"
        headers, body, _ = fetch(url + "data.zip.gz")
        assert headers.get("Content-Encoding") is None and len(body) == (tmp_path / "data.zip.gz").stat().st_size


def test_the_link_is_shared_and_slow(tmp_path):
    (tmp_path / "big.bin").write_bytes(bytes(range(256)) * 400)  # 100 kB, not compressed by the host
    with serve_throttled(tmp_path, "/", rate_bits=4_000_000, latency=0.0) as (url, _):
        _, body, seconds = fetch(url + "big.bin")
    assert len(body) == 102_400
    assert seconds >= 102_400 * 8 / 4_000_000 * 0.9  # about 0.2 s at 4 Mbit/s
