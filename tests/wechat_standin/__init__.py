"""Local HTTP stand-in for the WeChat server APIs (tests and benchmarks); see server.py."""

from .server import ERRMSGS, WeChatStandIn

__all__ = ["ERRMSGS", "WeChatStandIn"]
