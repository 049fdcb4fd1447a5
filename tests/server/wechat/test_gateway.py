"""The WeChat gateway against the stand-in: token sharing, refresh-once, bounded retries."""

import pytest

from server.extensions import wechat
from server.wechat.gateway import WeChatError


def user_info(gateway, openid):
    return gateway._call(
        gateway.mini, lambda: gateway.mini.get("user/info", params={"openid": openid})
    )


def test_token_is_fetched_once_and_shared_through_redis(app, real_wechat):
    real_wechat.add_follower("oa-1")
    gateway = wechat.target
    for _ in range(3):
        assert user_info(gateway, "oa-1")["subscribe"] == 1
    assert len(real_wechat.calls_to("/cgi-bin/stable_token")) == 1
    assert app.extensions["party_redis"].keys("wechat*")


def test_stale_token_is_refreshed_once_then_the_call_retried(real_wechat):
    real_wechat.add_follower("oa-1")
    gateway = wechat.target
    user_info(gateway, "oa-1")
    real_wechat.expire_tokens()
    assert user_info(gateway, "oa-1")["subscribe"] == 1
    assert len(real_wechat.calls_to("/cgi-bin/stable_token")) == 2


def test_a_token_that_stays_invalid_is_not_refreshed_in_a_loop(real_wechat):
    real_wechat.add_follower("oa-1")
    gateway = wechat.target
    user_info(gateway, "oa-1")
    real_wechat.fail_next("/cgi-bin/user/info", 40001, times=5)
    with pytest.raises(WeChatError) as caught:
        user_info(gateway, "oa-1")
    assert caught.value.errcode == 40001
    assert len(real_wechat.calls_to("/cgi-bin/user/info")) == 3  # first, failed, retried once
    assert len(real_wechat.calls_to("/cgi-bin/stable_token")) == 2


def test_definite_errors_are_not_retried(real_wechat):
    gateway = wechat.target
    with pytest.raises(WeChatError) as caught:
        user_info(gateway, "nobody")
    assert caught.value.errcode == 40003
    assert len(real_wechat.calls_to("/cgi-bin/user/info")) == 1


def test_quota_errors_back_off_and_retry(real_wechat):
    real_wechat.add_follower("oa-1")
    real_wechat.fail_next("/cgi-bin/user/info", 45009)
    assert user_info(wechat.target, "oa-1")["subscribe"] == 1
