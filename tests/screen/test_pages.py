"""The projector page and the check-in URL's landing page: served without data, locked down
by CSP, and the QR URL the projector shows lands on the page members are told to use WeChat."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_projector_page_is_a_shell_with_a_strict_csp(client):
    response = client.get("/screen/meetings/42")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-meeting-id="42"' in html and 'data-api="/api/v1"' in html
    assert "<script>" not in html  # no inline script: CSP allows 'self' only
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store"
    script = client.get("/screen/static/projector.js")
    assert script.status_code == 200 and "checkin-code" in script.get_data(as_text=True)
    assert client.get("/screen/static/projector.css").status_code == 200


def test_projector_page_rejects_non_numeric_ids(client):
    assert client.get("/screen/meetings/abc").status_code == 404
    assert client.get("/screen/meetings/99999999999").status_code == 404


def test_the_qr_url_lands_on_a_use_wechat_page(app, branch):
    meeting = branch.meeting()
    code = branch.client.get(
        f"/api/v1/meetings/{meeting['id']}/checkin-code", headers=branch.as_secretary()
    ).json
    url = urlsplit(code["url"])
    response = branch.client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200
    assert "请用微信扫码签到" in response.get_data(as_text=True)
    bad = branch.client.get("/m/checkin?t=<script>alert(1)</script>")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "二维码无效" in text and "<script>alert" not in text
