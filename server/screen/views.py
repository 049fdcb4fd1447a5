"""Web pages outside the API: the projector's check-in screen and the landing page the
check-in QR code's URL shows in an ordinary browser.

The projector page holds no data itself: its script logs the secretary in through
``/api/v1/auth/login`` (a console account) and polls ``/meetings/{id}/checkin-code``. Pages are
served with a strict Content-Security-Policy (no inline script; the QR is an ``img`` of the
server's SVG).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..meetings import checkin_token

blp = Blueprint(
    "screen",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/screen/static",
)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@blp.after_request
def _headers(response):
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/screen/meetings/<int(max=2147483647):meeting_id>")
def projector(meeting_id: int):
    return render_template("screen/projector.html", meeting_id=meeting_id)


@blp.get("/m/checkin")
def checkin_landing():
    """Scanned with WeChat, this URL opens the mini-program (ordinary-link QR rule); any other
    scanner lands here and is told to use WeChat."""
    valid = checkin_token.parse(request.args.get("t", "")) is not None
    return render_template("screen/checkin_landing.html", valid=valid)
