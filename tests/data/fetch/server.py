#!/usr/bin/env python3
"""A small HTTP server for ayak-fetch's tests, on 127.0.0.1 only, that can
misbehave on purpose.

    server.py ROOT PORTFILE LOGFILE

Serves the files under ROOT.  The first path segment says how:

    /files/NAME        the file, with Range support (206, 416)
    /slow/NAME         the same after 0.5 s
    /cut/NAME          the first request without a Range header gets the
                       full Content-Length but half the body, then the
                       connection is cut; later requests are served
    /shrink/NAME       as /cut/NAME, but later requests are served the first third
                       of the file (a file cut short on the server between two requests)
    /busy/NAME         the first request gets 503 with Retry-After: 1
    /busy429/NAME      the first request gets 429 with Retry-After: 1
    /stall/NAME        headers and 10 bytes, then nothing for 30 s
    /noranges/NAME     the whole file, whatever the Range header says
    /whole206/NAME     a request without a Range header gets 206 with the whole
                       file (Content-Range: bytes 0-(N-1)/N)
    /half206/NAME      a request without a Range header gets 206 with the first
                       half of the file (Content-Range: bytes 0-(N/2-1)/N)
    /nocr206/NAME      a request without a Range header gets 206 with the whole
                       file and no Content-Range
    /nosize416/NAME    a ranged request gets 416 without a Content-Range
    /redirect/N/NAME   302 to /redirect/N-1/NAME, and /redirect/0/NAME to /files/NAME
    anything else      404

Each request is logged to LOGFILE as "PATH RANGE USER-AGENT" (RANGE "-"
when there is none), and the highest number of requests served at once is
kept in LOGFILE.max (counted afresh after the file is removed).  A query
string is part of the request's identity, not of the file's name.  The port it listens on is written to PORTFILE.
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, PORTFILE, LOGFILE = sys.argv[1:4]
lock = threading.Lock()
seen = {}
active = 0
most = 0


def first_time(key):
    with lock:
        n = seen.get(key, 0)
        seen[key] = n + 1
        return n == 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global active, most
        with lock:
            if not os.path.exists(LOGFILE + ".max"):
                most = 0
            active += 1
            most = max(most, active)
            with open(LOGFILE + ".max", "w") as f:
                f.write("%d\n" % most)
        try:
            rng = self.headers.get("Range")
            with lock, open(LOGFILE, "a") as f:
                f.write("%s %s %s\n" % (self.path, rng or "-", self.headers.get("User-Agent")))
            self.route(rng)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with lock:
                active -= 1

    def route(self, rng):
        parts = self.path.split("/")
        kind = parts[1] if len(parts) > 2 else ""
        if kind == "redirect":
            n = int(parts[2])
            rest = "/".join(parts[3:])
            where = "/files/" + rest if n == 0 else "/redirect/%d/%s" % (n - 1, rest)
            return self.send(302, b"moved\n", [("Location", where)])
        name = "/".join(parts[2:]).split("?")[0]
        path = os.path.join(ROOT, name)
        if kind not in ("files", "slow", "cut", "shrink", "busy", "busy429", "stall", "noranges",
                        "whole206", "half206", "nocr206", "nosize416") \
                or ".." in parts or not os.path.isfile(path):
            return self.send(404, b"<html><body>not found</body></html>\n",
                             [("Content-Type", "text/html")])
        data = open(path, "rb").read()
        if kind == "slow":
            time.sleep(0.5)
        if kind in ("busy", "busy429") and first_time(self.path):
            return self.send(503 if kind == "busy" else 429, b"busy, come back later\n",
                             [("Retry-After", "1")])
        if kind == "stall":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:10])
            self.wfile.flush()
            time.sleep(30)
            return
        if kind in ("cut", "shrink") and rng is None and first_time(self.path):
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if kind == "shrink":
            data = data[:len(data) // 3]
        if rng is None and kind in ("whole206", "half206", "nocr206"):
            n = len(data) // 2 if kind == "half206" else len(data)
            cr = [] if kind == "nocr206" else [("Content-Range", "bytes 0-%d/%d" % (n - 1, len(data)))]
            return self.send(206, data[:n], cr)
        if rng and kind == "nosize416":
            return self.send(416, b"")
        if rng and kind != "noranges" and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            start = int(a)
            end = int(b) if b else len(data) - 1
            if start >= len(data) or end < start:
                return self.send(416, b"", [("Content-Range", "bytes */%d" % len(data))])
            end = min(end, len(data) - 1)
            return self.send(206, data[start:end + 1],
                             [("Content-Range", "bytes %d-%d/%d" % (start, end, len(data)))])
        self.send(200, data, [("Accept-Ranges", "bytes")])


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
