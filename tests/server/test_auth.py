"""WeChat login and binding, console passwords, sessions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from server.auth.models import AuthSession, WechatBinding
from server.db_types import utcnow
from server.extensions import db
from tests.conftest import IS_MARIADB
from tests.factories import auth


def wx_login(client, code, ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/wx-login", json={"code": code}, environ_base={"REMOTE_ADDR": ip}
    )


def bind(client, ticket, ip="10.0.0.1", **fields):
    return client.post(
        "/api/v1/auth/bind",
        json={"bind_ticket": ticket, **fields},
        environ_base={"REMOTE_ADDR": ip},
    )


def invite(client, secretary_token, person_id):
    r = client.post(f"/api/v1/people/{person_id}/invite-code", headers=auth(secretary_token))
    assert r.status_code == 201, r.json
    return r.json["invite_code"]


def test_unbound_wechat_account_gets_a_bind_ticket_and_no_session_key(client, f):
    r = wx_login(client, "dev:new-openid")
    assert r.status_code == 200
    assert r.json["status"] == "unbound"
    assert r.json["bind_ticket"]
    assert "token" not in r.json
    assert "session_key" not in r.text and "new-openid" not in r.text


def test_bind_with_invite_code_then_login_is_bound(client, f):
    tree = f.tree()
    _, sec_token = f.secretary(tree["a"])
    member = f.person(tree["a"], name="李明", phone="13812345678")
    code = invite(client, sec_token, member.id)
    ticket = wx_login(client, "dev:li-ming").json["bind_ticket"]
    r = bind(client, ticket, method="invite", invite_code=code.lower())
    assert r.status_code == 200, r.json
    assert r.json["member"]["name"] == "李明"
    assert r.json["member"]["phone"] == "138****5678"
    me = client.get("/api/v1/me", headers=auth(r.json["token"]))
    assert me.status_code == 200
    assert me.json["org"]["path"] == "测试大学党委 / 计算机学院党总支 / 本科生第一党支部"
    again = wx_login(client, "dev:li-ming")
    assert again.json["status"] == "bound"
    assert again.json["member"]["id"] == member.id


def test_invite_code_is_single_use(client, f):
    tree = f.tree()
    _, sec_token = f.secretary(tree["a"])
    member = f.person(tree["a"])
    code = invite(client, sec_token, member.id)
    assert (
        bind(
            client,
            wx_login(client, "dev:one").json["bind_ticket"],
            method="invite",
            invite_code=code,
        ).status_code
        == 200
    )
    r = bind(
        client, wx_login(client, "dev:two").json["bind_ticket"], method="invite", invite_code=code
    )
    assert r.status_code == 422
    assert r.json["code"] == "invite_code_invalid"


def test_new_invite_code_replaces_the_previous_one(client, f):
    tree = f.tree()
    _, sec_token = f.secretary(tree["a"])
    member = f.person(tree["a"])
    old = invite(client, sec_token, member.id)
    invite(client, sec_token, member.id)
    r = bind(
        client, wx_login(client, "dev:x").json["bind_ticket"], method="invite", invite_code=old
    )
    assert r.json["code"] == "invite_code_invalid"


def test_bind_by_identity(client, f):
    tree = f.tree()
    member = f.person(tree["b"], name="王芳", phone="13900001111", staff_no="2023001")
    ticket = wx_login(client, "dev:wang").json["bind_ticket"]
    r = bind(client, ticket, method="identity", staff_no="2023001", name="王芳", phone_last4="1111")
    assert r.status_code == 200, r.json
    assert r.json["member"]["id"] == member.id


@pytest.mark.parametrize(
    "fields",
    [
        {"staff_no": "2023001", "name": "王芳", "phone_last4": "2222"},
        {"staff_no": "2023001", "name": "王小芳", "phone_last4": "1111"},
        {"staff_no": "9999999", "name": "王芳", "phone_last4": "1111"},
    ],
)
def test_bind_by_identity_mismatch_does_not_say_which_field(client, f, fields):
    tree = f.tree()
    f.person(tree["b"], name="王芳", phone="13900001111", staff_no="2023001")
    ticket = wx_login(client, "dev:wang").json["bind_ticket"]
    r = bind(client, ticket, method="identity", **fields)
    assert r.status_code == 422
    assert r.json["code"] == "bind_mismatch"
    assert r.json["errors"] == {}


def test_bind_attempts_are_rate_limited_per_wechat_account(client, f, app):
    tree = f.tree()
    f.person(tree["b"], name="王芳", phone="13900001111", staff_no="2023001")
    ticket = wx_login(client, "dev:guesser").json["bind_ticket"]
    limit = app.config["SECURITY"]["bind_attempts"]
    for i in range(limit):
        r = bind(
            client,
            ticket,
            ip=f"10.1.0.{i + 1}",
            method="identity",
            staff_no="2023001",
            name="王芳",
            phone_last4=f"{i:04d}",
        )
        assert r.status_code == 422
    r = bind(
        client,
        ticket,
        ip="10.1.1.1",
        method="identity",
        staff_no="2023001",
        name="王芳",
        phone_last4="1111",
    )
    assert r.status_code == 429
    assert r.json["code"] == "too_many_attempts"


def test_forged_or_tampered_bind_ticket_is_refused(client, f):
    ticket = wx_login(client, "dev:abc").json["bind_ticket"]
    tampered = ticket[:-3] + ("AAA" if ticket[-3:] != "AAA" else "BBB")
    for bad in (tampered, "x" * 40):
        r = bind(client, bad, method="invite", invite_code="ABCDEFGH")
        assert r.status_code == 401
        assert r.json["code"] == "bind_ticket_invalid"


def test_one_wechat_account_binds_one_member(client, f):
    tree = f.tree()
    _, sec_token = f.secretary(tree["a"])
    first, second = f.person(tree["a"]), f.person(tree["a"])
    bind(
        client,
        wx_login(client, "dev:shared").json["bind_ticket"],
        method="invite",
        invite_code=invite(client, sec_token, first.id),
    )
    # The same WeChat account cannot take a second member.
    ticket = f.app.extensions["party_cipher"].seal({"openid": "shared"}, 60, "bind-ticket")
    r = bind(client, ticket, method="invite", invite_code=invite(client, sec_token, second.id))
    assert r.status_code == 409
    assert r.json["code"] == "already_bound"
    # A bound member cannot be taken by another WeChat account.
    r = bind(
        client,
        wx_login(client, "dev:other").json["bind_ticket"],
        method="invite",
        invite_code=invite(client, sec_token, first.id),
    )
    assert r.status_code == 409
    assert db.session.query(WechatBinding).count() == 1


def test_secretary_unbinding_allows_rebinding_and_ends_sessions(client, f):
    tree = f.tree()
    _, sec_token = f.secretary(tree["a"])
    member = f.person(tree["a"])
    token = bind(
        client,
        wx_login(client, "dev:old-phone").json["bind_ticket"],
        method="invite",
        invite_code=invite(client, sec_token, member.id),
    ).json["token"]
    assert (
        client.delete(
            f"/api/v1/people/{member.id}/wechat-binding", headers=auth(sec_token)
        ).status_code
        == 204
    )
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401
    r = bind(
        client,
        wx_login(client, "dev:new-phone").json["bind_ticket"],
        method="invite",
        invite_code=invite(client, sec_token, member.id),
    )
    assert r.status_code == 200


def test_logout_revokes_the_token(client, f):
    tree = f.tree()
    token = f.token_for(f.person(tree["a"]))
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=auth(token)).status_code == 204
    r = client.get("/api/v1/me", headers=auth(token))
    assert r.status_code == 401
    assert r.json["code"] == "unauthenticated"


def test_expired_session_is_refused(client, f):
    tree = f.tree()
    token = f.token_for(f.person(tree["a"]))
    db.session.execute(db.update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401


def test_members_who_left_cannot_log_in(client, f):
    tree = f.tree()
    person = f.person(tree["a"], status="expelled")
    db.session.add(WechatBinding(person_id=person.id, openid="gone", bound_via="invite"))
    db.session.commit()
    r = wx_login(client, "dev:gone")
    assert r.status_code == 403
    assert r.json["code"] == "member_inactive"


# -- WeChat errors, through the stand-in -----------------------------------------------------
def test_real_jscode2session_through_the_configured_base(client, f, real_wechat):
    real_wechat.add_code("code-1", "openid-1", unionid="union-1", session_key="SECRETKEY==")
    r = wx_login(client, "code-1")
    assert r.status_code == 200 and r.json["status"] == "unbound"
    assert "SECRETKEY" not in r.text
    assert real_wechat.calls_to("/sns/jscode2session")
    # jscode2session needs no access token: we must not have fetched one for it.
    assert not real_wechat.calls_to("/cgi-bin/token") and not real_wechat.calls_to(
        "/cgi-bin/stable_token"
    )


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 400, "wx_code_invalid"),
        (40163, 400, "wx_code_invalid"),
        (45011, 429, "wx_rate_limited"),
        (40226, 403, "wx_user_blocked"),
        (40013, 503, "wechat_unavailable"),
    ],
)
def test_wechat_login_errors_map_to_clear_responses(client, real_wechat, errcode, status, code):
    real_wechat.add_code("c", "o")
    real_wechat.fail_next("/sns/jscode2session", errcode)
    r = wx_login(client, "c")
    assert r.status_code == status
    assert r.json["code"] == code
    assert r.json["message"]
    assert len(real_wechat.calls_to("/sns/jscode2session")) == 1  # no retry of a definite answer


def test_code_used_twice_is_refused_by_wechat(client, real_wechat):
    real_wechat.add_code("once", "o1")
    assert wx_login(client, "once").status_code == 200
    r = wx_login(client, "once")
    assert r.status_code == 400 and r.json["code"] == "wx_code_invalid"


def test_busy_wechat_is_retried_then_succeeds(client, real_wechat):
    real_wechat.add_code("busy", "o2")
    real_wechat.fail_next("/sns/jscode2session", -1, times=2)
    r = wx_login(client, "busy")
    assert r.status_code == 200
    assert len(real_wechat.calls_to("/sns/jscode2session")) == 3


def test_busy_wechat_gives_up_after_bounded_retries(client, real_wechat, app):
    real_wechat.add_code("busy", "o3")
    real_wechat.fail_next("/sns/jscode2session", -1, times=10)
    r = wx_login(client, "busy")
    assert r.status_code == 503 and r.json["code"] == "wechat_unavailable"
    assert (
        len(real_wechat.calls_to("/sns/jscode2session")) == app.config["WECHAT"]["max_retries"] + 1
    )


def test_wechat_http_5xx_is_retried(client, real_wechat):
    real_wechat.add_code("c5", "o5")
    real_wechat.fail_next_http("/sns/jscode2session", status=502)
    assert wx_login(client, "c5").status_code == 200


def test_sandbox_refuses_codes_that_are_not_dev_codes(client):
    r = wx_login(client, "081abcDEF")
    assert r.status_code == 400 and r.json["code"] == "wx_code_invalid"


# -- console passwords -------------------------------------------------------------------------
def test_password_login_and_lockout(client, f, app):
    f.account("office", [("committee_admin", None)], password="Correct-horse-9")
    ok = client.post(
        "/api/v1/auth/login", json={"username": "office", "password": "Correct-horse-9"}
    )
    assert ok.status_code == 200 and ok.json["token"]
    assert client.get("/api/v1/auth/whoami", headers=auth(ok.json["token"])).json["kind"] == "web"
    for _ in range(app.config["SECURITY"]["login_max_failures"]):
        r = client.post("/api/v1/auth/login", json={"username": "office", "password": "wrong"})
        assert r.status_code == 401 and r.json["code"] == "invalid_credentials"
    r = client.post(
        "/api/v1/auth/login", json={"username": "office", "password": "Correct-horse-9"}
    )
    assert r.status_code == 423
    assert r.json["code"] == "account_locked"


def test_password_is_stored_with_argon2(f):
    account = f.account("someone", [], password="Correct-horse-9")
    assert account.password_hash.startswith("$argon2id$")


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, f):
    f.account("office", [], password="Correct-horse-9")
    a = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    b = client.post("/api/v1/auth/login", json={"username": "office", "password": "x"})
    assert a.status_code == b.status_code == 401
    assert a.json == b.json


# -- concurrency (MariaDB) -----------------------------------------------------------------------
@pytest.mark.mariadb
def test_parallel_binds_with_one_invite_code_bind_once(app, f):
    assert IS_MARIADB
    tree = f.tree()
    _, sec_token = f.secretary(tree["a"])
    member = f.person(tree["a"])
    client = app.test_client()
    code = invite(client, sec_token, member.id)
    tickets = [wx_login(client, f"dev:racer-{i}").json["bind_ticket"] for i in range(8)]
    results = []
    barrier = threading.Barrier(len(tickets))

    def attempt(ticket):
        c = app.test_client()
        barrier.wait()
        results.append(bind(c, ticket, method="invite", invite_code=code).status_code)

    threads = [threading.Thread(target=attempt, args=(t,)) for t in tickets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(200) == 1, results
    assert all(s in (409, 422) for s in results if s != 200)
    db.session.expire_all()
    assert db.session.query(WechatBinding).filter_by(person_id=member.id).count() == 1


@pytest.mark.mariadb
def test_parallel_identity_binds_of_one_member_bind_once(app, f):
    tree = f.tree()
    member = f.person(tree["b"], name="王芳", phone="13900001111", staff_no="2023001")
    client = app.test_client()
    tickets = [wx_login(client, f"dev:twin-{i}").json["bind_ticket"] for i in range(6)]
    results = []
    barrier = threading.Barrier(len(tickets))

    def attempt(index, ticket):
        c = app.test_client()
        barrier.wait()
        r = bind(
            c,
            ticket,
            ip=f"10.2.0.{index + 1}",
            method="identity",
            staff_no="2023001",
            name="王芳",
            phone_last4="1111",
        )
        results.append(r.status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in enumerate(tickets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(200) == 1, results
    assert set(results) <= {200, 409}
    db.session.expire_all()
    assert db.session.query(WechatBinding).filter_by(person_id=member.id).count() == 1
