"""The ceiling for bench/whoami.py: a bare Flask app with no database, no Redis, no auth.

Served by gunicorn with exactly the same settings as the real app
(``gunicorn ... --pythonpath bench hello_app:app``), so the gap between the two is what
the real request path costs: token lookup, person/org/post queries, schema dump.
"""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)
app.json.ensure_ascii = False


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/api/v1/hello")
def hello():
    return jsonify(message="hello")
