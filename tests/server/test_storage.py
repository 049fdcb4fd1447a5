"""Both storage backends keep and return bytes under server-made keys and refuse others; S3
runs against moto's in-memory S3."""

from __future__ import annotations

import pytest

from server.config import ConfigError, load_config
from server.storage import LocalStorage, S3Storage, StorageError, build_storage


def _roundtrip(store):
    store.save("meetings/7/abc.png", b"\x89PNG data", "image/png")
    assert store.load("meetings/7/abc.png") == b"\x89PNG data"
    store.delete("meetings/7/abc.png")
    with pytest.raises(StorageError):
        store.load("meetings/7/abc.png")
    store.delete("meetings/7/abc.png")  # deleting twice is fine
    for bad in ("../etc/passwd", "/abs/path", "meetings/../../x", "Meetings/UPPER", ""):
        with pytest.raises(StorageError):
            store.save(bad, b"x", "text/plain")


def test_local_storage_roundtrip_and_key_checks(tmp_path):
    store = LocalStorage(tmp_path)
    _roundtrip(store)
    assert not list(tmp_path.rglob("*.part"))


def test_s3_storage_roundtrip_and_key_checks():
    from moto import mock_aws

    settings = {
        "backend": "s3",
        "s3_endpoint": "",
        "s3_bucket": "party-files",
        "s3_region": "us-east-1",
        "s3_access_key": "test",
        "s3_secret_key": "test",
    }
    with mock_aws():
        store = build_storage({**settings, "local_dir": "unused"})
        assert isinstance(store, S3Storage)
        store.client.create_bucket(Bucket="party-files")
        _roundtrip(store)
        store.save("meetings/1/x.pdf", b"%PDF", "application/pdf")
        head = store.client.head_object(Bucket="party-files", Key="meetings/1/x.pdf")
        assert head["ContentType"] == "application/pdf"


def test_s3_backend_needs_a_bucket():
    with pytest.raises(ConfigError, match="s3_bucket"):
        load_config(environ={}, overrides={"storage": {"backend": "s3"}})
    with pytest.raises(ConfigError, match="backend"):
        load_config(environ={}, overrides={"storage": {"backend": "ftp"}})
