"""Daily punch-in (once a day, streaks on Asia/Shanghai days) and the points ledger (daily
caps, one award per source, rank in the branch, the branches' ranking)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db, storage
from server.storage import StorageError
from server.study import points
from server.study.models import PointsDaily, PointsEntry, PunchIn
from tests.factories import auth


@pytest.fixture
def study(f):
    orgs = f.tree()
    members = [f.person(orgs["a"]) for _ in range(3)]
    tokens = [f.token_for(m) for m in members]
    return orgs, members, tokens


def _at(monkeypatch, moment: datetime) -> None:
    """Make the server's clock read ``moment`` (UTC)."""
    import server.notify.services as notify_services

    monkeypatch.setattr(notify_services, "utcnow", lambda: moment.replace(tzinfo=None))


def _punch(client, token, **body):
    return client.post("/api/v1/study/punch-ins", json=body, headers=auth(token))


def test_once_a_day_with_points_and_a_streak_across_midnight(app, client, study, monkeypatch):
    _, _, tokens = study
    # 23:50 Beijing on 31 Jan (15:50 UTC), then 00:10 Beijing on 1 Feb (16:10 UTC).
    _at(monkeypatch, datetime(2026, 1, 31, 15, 50, tzinfo=UTC))
    first = _punch(client, tokens[0], reflection="学习了党章第一章")
    assert first.status_code == 201, first.json
    assert first.json["day"] == "2026-01-31" and first.json["streak"] == 1
    assert first.json["points_awarded"] == 2
    again = _punch(client, tokens[0])
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert again.json["created"] is False and again.json["points_awarded"] == 0
    _at(monkeypatch, datetime(2026, 1, 31, 16, 10, tzinfo=UTC))
    second = _punch(client, tokens[0])
    assert second.status_code == 201 and second.json["day"] == "2026-02-01"
    assert second.json["streak"] == 2
    mine = client.get("/api/v1/study/punch-ins/me", headers=auth(tokens[0])).json
    assert (mine["streak"], mine["punched_today"]) == (2, True)
    # A day missed breaks the streak; the day after it starts again at 1.
    _at(monkeypatch, datetime(2026, 2, 2, 16, 10, tzinfo=UTC))  # 3 Feb Beijing
    mine = client.get("/api/v1/study/punch-ins/me", headers=auth(tokens[0])).json
    assert (mine["streak"], mine["punched_today"]) == (0, False)
    assert _punch(client, tokens[0]).json["streak"] == 1
    assert db.session.scalar(select(func.count()).select_from(PunchIn)) == 3


def test_streak_across_a_month_end_and_a_leap_day(app, client, study, monkeypatch):
    _, _, tokens = study
    for day in (date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)):
        _at(monkeypatch, datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))
        response = _punch(client, tokens[1])
        assert response.status_code == 201
    assert response.json["streak"] == 3


def test_the_daily_cap_and_one_award_per_source(app, f, study, monkeypatch):
    _, members, _ = study
    person = members[0]
    on = date(2026, 3, 1)
    assert points.award(person, "quiz", 4, "quiz:1", on) == 4
    assert points.award(person, "quiz", 4, "quiz:1", on) == 0  # the same source again
    assert points.award(person, "quiz", 8, "quiz:2", on) == 6  # the cap is 10 a day
    assert points.award(person, "quiz", 1, "quiz:3", on) == 0
    assert points.award(person, "quiz", 3, "quiz:4", on + timedelta(days=1)) == 3
    # Reading: one point per 5 counted minutes, at most 12 a day.
    assert points.award(person, "reading", 14, "reading:1", on) == 2
    assert points.award(person, "reading", 4, "reading:2", on) == 0
    assert points.award(person, "reading", 500, "reading:3", on) == 10
    db.session.commit()
    daily = db.session.scalars(
        select(PointsDaily).where(PointsDaily.person_id == person.id, PointsDaily.day == on)
    ).all()
    assert {d.action: d.points for d in daily} == {"quiz": 10, "reading": 12}
    total = db.session.scalar(select(func.sum(PointsEntry.points)))
    assert total == 10 + 3 + 12


def test_my_points_rank_in_branch_and_the_branches_ranking(app, client, f, study):
    orgs, members, tokens = study
    on = date(2026, 3, 1)
    points.award(members[0], "quiz", 5, "quiz:a", on)
    points.award(members[1], "quiz", 8, "quiz:b", on)
    other = f.person(orgs["b"])
    points.award(other, "quiz", 3, "quiz:c", on)
    db.session.commit()
    mine = client.get("/api/v1/study/points/me", headers=auth(tokens[0])).json
    assert mine["total"] == 5 and mine["rank"] == {"rank": 2, "of": 3}
    assert {a["action"]: a["points"] for a in mine["by_action"]} == {
        "reading": 0,
        "punch_in": 0,
        "quiz": 5,
    }
    assert [h["label"] for h in mine["history"]["items"]] == ["每日答题"]
    ranking = client.get("/api/v1/study/rankings/branches?period=all", headers=auth(tokens[2])).json
    by_org = {r["org_id"]: r for r in ranking["items"]}
    assert by_org[orgs["a"].id]["points"] == 13 and by_org[orgs["a"].id]["members"] == 3
    assert by_org[orgs["b"].id]["per_member"] == 3.0
    assert ranking["items"][0]["org_id"] == orgs["a"].id  # 13 / 3 > 3 / 1
    # Rankings name branches, never people.
    assert all(set(r) == {"rank", "org_id", "org_name", "members", "points", "per_member"}
               for r in ranking["items"])  # fmt: skip
    # Branches with as many points per member share a place.
    points.award(f.person(orgs["c"]), "quiz", 3, "quiz:d", on)
    db.session.commit()
    ranking = client.get("/api/v1/study/rankings/branches?period=all", headers=auth(tokens[2])).json
    assert [(r["org_id"], r["rank"]) for r in ranking["items"]] == [
        (orgs["a"].id, 1), (orgs["b"].id, 2), (orgs["c"].id, 2),
    ]  # fmt: skip


def test_refusals(app, client, f, study):
    _, _, tokens = study
    assert client.post("/api/v1/study/punch-ins", json={}).status_code == 401
    response = _punch(client, tokens[0], reflection="x" * 501)
    assert response.status_code == 422 and response.json["code"] == "validation_error"
    response = client.get("/api/v1/study/rankings/branches?period=decade", headers=auth(tokens[0]))
    assert response.status_code == 422
    response = client.get("/api/v1/study/punch-ins/me?days=0", headers=auth(tokens[0]))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(PunchIn)) == 0


def test_a_bad_points_file_stops_the_server_naming_the_key(tmp_path):
    from server import create_app
    from server.config import ConfigError

    bad = tmp_path / "points.toml"
    bad.write_text(
        (points.DEFAULT_FILE.read_text(encoding="utf-8")).replace(
            "daily_cap = 10", "daily_cap = -1"
        )
    )
    with pytest.raises(ConfigError, match=r"\[quiz\]"):
        create_app({"study": {"points_file": str(bad)}, "app": {"mode": "test"}})


def test_secretaries_see_their_members_points_others_do_not(app, client, f, study):
    orgs, members, tokens = study
    _, a_sec = f.secretary(orgs["a"])
    _, b_sec = f.secretary(orgs["b"])
    points.award(members[2], "quiz", 7, "quiz:x", date(2026, 3, 1))
    db.session.commit()
    url = f"/api/v1/study/points/branch?org_id={orgs['a'].id}&period=all"
    answer = client.get(url, headers=auth(a_sec)).json
    assert answer["items"][0] == {
        "person_id": members[2].id,
        "name": members[2].name,
        "org_name": orgs["a"].name,
        "points": 7,
    }
    assert client.get(url, headers=auth(b_sec)).status_code == 404
    assert client.get(url, headers=auth(tokens[0])).status_code == 403


def _photo(client, token, punch_in_id, data, name="p.png"):
    return client.post(
        f"/api/v1/study/punch-ins/{punch_in_id}/photo",
        data={"file": (io.BytesIO(data), name)},
        headers=auth(token),
        content_type="multipart/form-data",
    )


def test_a_punch_in_photo_today_replaces_and_is_private(app, client, study, f, monkeypatch):
    from tests.development.test_materials import PDF, PNG

    orgs, _, tokens = study
    _, a_sec = f.secretary(orgs["a"])
    _, b_sec = f.secretary(orgs["b"])
    _at(monkeypatch, datetime(2026, 5, 6, 4, 0, tzinfo=UTC))
    made = _punch(client, tokens[0], reflection="学习心得")
    assert made.json["photo_url"] is None
    pid = made.json["id"]
    first = _photo(client, tokens[0], pid, PNG)
    assert first.status_code == 200, first.json
    first_url = first.json["photo_url"]
    assert first_url.startswith(f"/api/v1/study/punch-ins/{pid}/photo?v=")
    old_key = db.session.get(PunchIn, pid).photo_key
    # A second photo replaces the first, whose file goes once the change commits; the
    # address changes with it (a client may cache by it).
    second = _photo(client, tokens[0], pid, PNG, "again.png")
    assert second.status_code == 200
    url = second.json["photo_url"]
    assert url != first_url and url.split("?")[0] == first_url.split("?")[0]
    db.session.expire_all()
    assert db.session.get(PunchIn, pid).photo_key != old_key
    with pytest.raises(StorageError):
        storage.load(old_key)
    shown = client.get(url, headers=auth(tokens[0]))
    assert shown.status_code == 200 and shown.data == PNG
    assert shown.mimetype == "image/png" and "sandbox" in shown.headers["Content-Security-Policy"]
    # The branch's secretary sees it (the trace links it); another branch and members do not.
    assert client.get(url, headers=auth(a_sec)).status_code == 200
    assert client.get(url, headers=auth(b_sec)).status_code == 404
    assert client.get(url, headers=auth(tokens[1])).status_code == 404
    trace = client.get("/api/v1/study/trace/me?since=2026-05-01", headers=auth(tokens[0])).json
    assert trace["days"][0]["punch_in"]["photo_url"] == url
    mine = client.get("/api/v1/study/punch-ins/me", headers=auth(tokens[0])).json
    assert mine["items"][0]["photo_url"] == url
    # Refusals: not a picture, empty, another member's punch-in, an unknown one, a past day.
    refused = _photo(client, tokens[0], pid, PDF, "p.png")
    assert refused.status_code == 415 and refused.json["code"] == "file_type_not_allowed"
    assert _photo(client, tokens[0], pid, b"").status_code == 422
    assert _photo(client, tokens[1], pid, PNG).status_code == 404
    assert _photo(client, tokens[0], 999999, PNG).status_code == 404
    missing = client.post(f"/api/v1/study/punch-ins/{pid}/photo", data={}, headers=auth(tokens[0]),
                          content_type="multipart/form-data")  # fmt: skip
    assert missing.status_code == 422
    _at(monkeypatch, datetime(2026, 5, 7, 4, 0, tzinfo=UTC))
    late = _photo(client, tokens[0], pid, PNG)
    assert late.status_code == 409 and late.json["code"] == "punch_in_closed"
    db.session.expire_all()
    assert storage.load(db.session.get(PunchIn, pid).photo_key) == PNG  # kept as it was


def test_a_photo_larger_than_the_limit_is_refused(app, client, study, monkeypatch):
    from tests.development.test_materials import PNG

    _, _, tokens = study
    pid = _punch(client, tokens[0]).json["id"]
    monkeypatch.setitem(app.config["STUDY"], "photo_max_mb", 1)
    big = _photo(client, tokens[0], pid, PNG + b"\x00" * (1024 * 1024))
    assert big.status_code == 413 and big.json["code"] == "file_too_large"
    assert db.session.get(PunchIn, pid).photo_key is None


def test_bad_queries_and_bodies_are_422_and_unknown_ids_404(app, client, f, study):
    orgs, _, tokens = study
    _, a_sec = f.secretary(orgs["a"])
    member = auth(tokens[0])
    for body in ({"reflection": 123}, {"reflection": ["心得"]}, {"note": "x"}):
        response = client.post("/api/v1/study/punch-ins", json=body, headers=member)
        assert response.status_code == 422 and response.json["code"] == "validation_error", body
    for url in ("punch-ins/me?days=367", "punch-ins/me?days=x", "points/me?page=0",
                "points/me?per_page=101"):  # fmt: skip
        response = client.get(f"/api/v1/study/{url}", headers=member)
        assert response.status_code == 422 and response.json["code"] == "validation_error", url
    for query in ("period=all", f"org_id={2**31}&period=all", "org_id=x",
                  f"org_id={orgs['a'].id}&period=decade"):  # fmt: skip
        response = client.get(f"/api/v1/study/points/branch?{query}", headers=auth(a_sec))
        assert response.status_code == 422 and response.json["errors"], query
    unknown = client.get("/api/v1/study/points/branch?org_id=999999", headers=auth(a_sec))
    assert unknown.status_code == 404 and unknown.json["code"] == "not_found"
    missing = client.get("/api/v1/study/punch-ins/999999/photo", headers=member)
    assert missing.status_code == 404 and missing.json["message"] == "照片不存在"
    assert db.session.scalar(select(func.count()).select_from(PunchIn)) == 0
