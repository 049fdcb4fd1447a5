"""Reading sessions through the API: time counted by the server's clock from heartbeats,
replays and other people's sessions refused, studied at the minimum dwell time, reading points
in blocks, two sessions at once counted once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.study.models import PointsEntry, StudyProgress
from tests.factories import auth

T0 = datetime(2026, 3, 2, 12, 0, 0)  # 20:00 Beijing


@pytest.fixture
def clock(monkeypatch):
    """The server's clock, moved by the test."""
    import server.notify.services as notify_services
    import server.study.sessions as sessions

    now = {"t": T0}
    monkeypatch.setattr(sessions, "utcnow", lambda: now["t"])
    monkeypatch.setattr(notify_services, "utcnow", lambda: now["t"])
    return now


@pytest.fixture
def reader(client, f):
    orgs = f.tree()
    _, secretary = f.secretary(orgs["a"])
    member = f.person(orgs["a"])
    token = f.token_for(member)
    body = {
        "org_id": orgs["a"].id,
        "kind": "article",
        "title": "学习材料",
        "category": "theory",
        "body_html": "<p>正文</p>",
        "min_dwell_seconds": 60,
    }
    mid = client.post("/api/v1/study/materials", json=body, headers=auth(secretary)).json["id"]
    client.post(f"/api/v1/study/materials/{mid}/publish", headers=auth(secretary))
    draft = client.post("/api/v1/study/materials", json=body, headers=auth(secretary)).json["id"]
    outsider = f.token_for(f.person(orgs["b"]))
    return {"member": member, "token": token, "material": mid, "draft": draft, "outsider": outsider}


def _start(client, reader, material=None, token=None):
    return client.post(
        f"/api/v1/study/materials/{material or reader['material']}/reading-sessions",
        json={"seq": 0, "client_at": "2001-01-01T00:00:00Z"},
        headers=auth(token or reader["token"]),
    )


def _event(client, token, sid, kind, seq):
    return client.post(
        f"/api/v1/study/reading-sessions/{sid}/events",
        json={"kind": kind, "seq": seq, "client_at": "2099-01-01T00:00:00Z"},
        headers=auth(token),
    )


def test_beats_count_by_the_server_clock_until_studied(app, client, reader, clock):
    started = _start(client, reader)
    assert started.status_code == 201, started.json
    sid = started.json["id"]
    assert started.json["interval_seconds"] == 15 and started.json["min_dwell_seconds"] == 60
    answers = []
    for seq in range(1, 6):
        clock["t"] += timedelta(seconds=15)
        answers.append(_event(client, reader["token"], sid, "beat", seq).json)
    assert [a["credited_seconds"] for a in answers] == [15.0] * 5
    assert answers[2]["studied"] is False and answers[3]["studied"] is True  # 60 s: studied
    # A replayed heartbeat counts nothing; a long sleep counts one interval + grace at most.
    assert _event(client, reader["token"], sid, "beat", 5).json["verdict"] == "replay"
    clock["t"] += timedelta(hours=1)
    late = _event(client, reader["token"], sid, "beat", 6).json
    assert late["credited_seconds"] == 20.0
    clock["t"] += timedelta(seconds=3)
    done = _event(client, reader["token"], sid, "finish", 7).json
    assert done["finished"] is True and done["session_seconds"] == 98.0
    clock["t"] += timedelta(seconds=15)
    assert _event(client, reader["token"], sid, "beat", 8).json["verdict"] == "after_finish"
    progress = db.session.scalars(select(StudyProgress)).one()
    assert progress.seconds == 98.0 and progress.studied_at is not None


def test_pause_stops_the_clock(app, client, reader, clock):
    sid = _start(client, reader).json["id"]
    clock["t"] += timedelta(seconds=15)
    _event(client, reader["token"], sid, "pause", 1)
    clock["t"] += timedelta(minutes=10)
    assert _event(client, reader["token"], sid, "beat", 2).json["credited_seconds"] == 0
    _event(client, reader["token"], sid, "resume", 3)
    clock["t"] += timedelta(seconds=15)
    assert _event(client, reader["token"], sid, "beat", 4).json["session_seconds"] == 30.0


def test_points_for_reading_come_in_blocks_of_five_minutes(app, client, reader, clock):
    sid = _start(client, reader).json["id"]
    awarded = []
    for seq in range(1, 41):  # 40 beats × 15 s = 10 minutes
        clock["t"] += timedelta(seconds=15)
        awarded.append(_event(client, reader["token"], sid, "beat", seq).json["points_awarded"])
    assert sum(awarded) == 2 and awarded[19] == 1 and awarded[39] == 1
    assert (
        db.session.scalar(
            select(func.sum(PointsEntry.points)).where(PointsEntry.action == "reading")
        )
        == 2
    )


def test_two_sessions_at_once_count_the_same_minutes_once(app, client, reader, clock):
    first = _start(client, reader).json["id"]
    second = _start(client, reader).json["id"]
    for seq in range(1, 5):
        clock["t"] += timedelta(seconds=15)
        _event(client, reader["token"], first, "beat", seq)
        _event(client, reader["token"], second, "beat", seq)
    total = db.session.scalar(select(func.sum(StudyProgress.seconds)))
    assert total == 60.0  # one minute of wall time, however many pages


def test_refusals(app, client, reader, clock):
    assert _start(client, reader, material=reader["draft"]).status_code == 404  # a draft
    assert _start(client, reader, token=reader["outsider"]).status_code == 404
    sid = _start(client, reader).json["id"]
    # Someone else's session is not theirs to beat.
    response = _event(client, reader["outsider"], sid, "beat", 1)
    assert response.status_code == 404
    for body in ({"kind": "jump", "seq": 1}, {"kind": "beat"}, {"kind": "beat", "seq": -1}):
        response = client.post(
            f"/api/v1/study/reading-sessions/{sid}/events", json=body, headers=auth(reader["token"])
        )
        assert response.status_code == 422, body
    assert (
        client.post(
            "/api/v1/study/reading-sessions/999999/events",
            json={"kind": "beat", "seq": 1},
            headers=auth(reader["token"]),
        ).status_code
        == 404
    )


def test_a_material_withdrawn_mid_reading_does_not_break_the_session(app, client, reader, clock):
    from server.study.models import StudyMaterial

    sid = _start(client, reader).json["id"]
    db.session.execute(
        db.update(StudyMaterial)
        .where(StudyMaterial.id == reader["material"])
        .values(status="withdrawn")
    )
    db.session.commit()
    clock["t"] += timedelta(seconds=15)
    answer = _event(client, reader["token"], sid, "beat", 1)
    assert answer.status_code == 200 and answer.json["credited_seconds"] == 15.0


def test_the_progress_row_is_made_at_the_start_and_older_sessions_still_count(
    app, client, reader, clock
):
    """A start makes the member's progress row and names it on the session (each event locks
    it by its key); a session without one (started before the column) gets it on its next
    counted event."""
    from server.study.models import ReadingSession

    first = _start(client, reader).json
    session = db.session.get(ReadingSession, first["id"])
    progress = db.session.scalars(select(StudyProgress)).one()
    assert session.progress_id == progress.id and progress.seconds == 0.0
    second = _start(client, reader).json  # the same material again: the same row
    assert db.session.get(ReadingSession, second["id"]).progress_id == progress.id
    db.session.execute(
        db.update(ReadingSession).where(ReadingSession.id == second["id"]).values(progress_id=None)
    )
    db.session.commit()
    clock["t"] += timedelta(seconds=15)
    counted = _event(client, reader["token"], second["id"], "beat", 1).json
    assert counted["credited_seconds"] == 15.0 and counted["material_seconds"] == 15.0
    db.session.expire_all()
    assert db.session.get(ReadingSession, second["id"]).progress_id == progress.id
    assert db.session.scalar(select(func.count()).select_from(StudyProgress)) == 1


def test_a_start_with_a_bad_body_is_422_and_makes_nothing(app, client, reader, clock):
    from server.study.models import ReadingSession

    url = f"/api/v1/study/materials/{reader['material']}/reading-sessions"
    for body in ({"seq": -1}, {"seq": "x"}, {"seq": 100001}, {"client_at": "昨天"},
                 {"extra": 1}, [1]):  # fmt: skip
        response = client.post(url, json=body, headers=auth(reader["token"]))
        assert response.status_code == 422 and response.json["message"], body
    too_big = client.post("/api/v1/study/materials/2147483648/reading-sessions", json={},
                          headers=auth(reader["token"]))  # fmt: skip
    assert too_big.status_code in (404, 405) and too_big.json["code"]
    assert db.session.scalar(select(func.count()).select_from(ReadingSession)) == 0
    started = client.post(url, json={}, headers=auth(reader["token"]))
    assert started.status_code == 201 and started.json["material_seconds"] == 0.0
    assert started.json["studied"] is False and started.json["material_id"] == reader["material"]
