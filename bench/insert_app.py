"""The ceiling for bench/checkin.py: a minimal Flask + Flask-SQLAlchemy app whose one POST
endpoint inserts one row and answers 201 JSON.

Served by gunicorn with exactly the same settings as the real app
(``gunicorn ... --pythonpath bench insert_app:app``) against the same MariaDB, with the same
engine options as the server (pool size, ``pool_pre_ping``, ``charset=utf8mb4``), so the gap
between the two is what the check-in path costs beyond "parse a JSON body, insert a row,
commit": the session and participant checks inside its insert, the code's MAC, the window
and the meeting (cached), the marshmallow schemas, and for a second scan the refused insert
and the read of the first check-in.

Configured by ``BENCH_INSERT_DB_URL`` (a ``mysql+pymysql://`` URL); its table ``bench_inserts``
is created by ``create_table()`` (bench/checkin.py calls it before gunicorn starts).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

DB_URL = os.environ.get("BENCH_INSERT_DB_URL", "sqlite://")
if DB_URL.startswith("mysql") and "charset=" not in DB_URL:
    DB_URL += ("&" if "?" in DB_URL else "?") + "charset=utf8mb4"

app = Flask(__name__)
app.json.ensure_ascii = False
app.config.update(
    SQLALCHEMY_DATABASE_URI=DB_URL,
    SQLALCHEMY_ENGINE_OPTIONS=(
        {"pool_size": 10, "pool_recycle": 280, "pool_pre_ping": True}
        if DB_URL.startswith("mysql")
        else {}
    ),
)
db = SQLAlchemy(app)


class Insert(db.Model):
    __tablename__ = "bench_inserts"
    __table_args__ = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


def create_table() -> None:
    with app.app_context():
        db.create_all()
        db.engine.dispose()  # no connection inherited by anyone


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/api/v1/inserts")
def insert():
    data = request.get_json()
    row = Insert(
        run=str(data["run"])[:32],
        idempotency_key=str(data["idempotency_key"])[:64],
        created_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    )
    db.session.add(row)
    db.session.flush()  # the INSERT; its id comes back with it
    row_id = row.id
    db.session.commit()  # (reading row.id after the commit would cost a SELECT)
    return jsonify(id=row_id, created=True), 201
