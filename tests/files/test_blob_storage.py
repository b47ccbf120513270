"""Blob stores: local files written atomically and privately; S3 buckets via moto's server."""

from __future__ import annotations

import os
import stat
import uuid

import pytest

from backend.files.storage import (
    BlobNotFound,
    InvalidBlobKey,
    LocalBlobStore,
    S3BlobStore,
    S3Config,
)

UNSAFE_KEYS = [
    "",
    "../outside",
    "a/../../outside",
    "/etc/passwd",
    "a//b",
    "a/./b",
    "a/",
    ".hidden",
    "a\\..\\b",
    "a/b\x00c",
    "ก/ข",
    "x" * 600,
]


async def test_local_round_trip_overwrite_and_idempotent_delete(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    await store.put("schools/1/ab/abcdef", b"first")
    assert await store.get("schools/1/ab/abcdef") == b"first"

    await store.put("schools/1/ab/abcdef", b"second")
    assert await store.get("schools/1/ab/abcdef") == b"second"

    await store.delete("schools/1/ab/abcdef")
    await store.delete("schools/1/ab/abcdef")
    with pytest.raises(BlobNotFound):
        await store.get("schools/1/ab/abcdef")


async def test_local_blobs_are_private_and_leave_no_temporary_files(tmp_path):
    root = tmp_path / "blobs"
    store = LocalBlobStore(root)
    for number in range(3):
        await store.put(f"schools/1/ab/file{number}", b"sealed bytes")

    files = [path for path in root.rglob("*") if path.is_file()]
    assert sorted(path.name for path in files) == ["file0", "file1", "file2"]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (root / "schools", root / "schools" / "1", root / "schools" / "1" / "ab"):
        assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize("key", UNSAFE_KEYS)
async def test_local_refuses_unsafe_keys_and_writes_nothing(tmp_path, key):
    root = tmp_path / "blobs"
    store = LocalBlobStore(root)
    with pytest.raises(InvalidBlobKey):
        await store.put(key, b"data")
    with pytest.raises(InvalidBlobKey):
        await store.get(key)
    with pytest.raises(InvalidBlobKey):
        await store.delete(key)
    assert sorted(path.name for path in tmp_path.rglob("*")) == []


async def test_local_refuses_a_symlink_leading_out_of_the_root(tmp_path):
    root = tmp_path / "blobs"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "escape")
    with pytest.raises(InvalidBlobKey):
        await LocalBlobStore(root).put("escape/secret", b"data")
    assert list(outside.iterdir()) == []


# --- S3-compatible storage, against moto's S3 server on a local port ---


@pytest.fixture(scope="module")
def s3_endpoint():
    pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_config(s3_endpoint) -> S3Config:
    config = S3Config(
        endpoint_url=s3_endpoint,
        bucket=f"files-{uuid.uuid4().hex[:12]}",
        access_key_id="test-access-key",
        secret_access_key="test-secret-key",
        region="ap-southeast-1",
    )
    store = S3BlobStore(config)
    store._client.create_bucket(
        Bucket=config.bucket, CreateBucketConfiguration={"LocationConstraint": config.region}
    )
    return config


async def test_s3_round_trip_overwrite_and_idempotent_delete(s3_config):
    store = S3BlobStore(s3_config)
    await store.put("schools/1/ab/abcdef", b"\x00first\xff")
    assert await store.get("schools/1/ab/abcdef") == b"\x00first\xff"

    await store.put("schools/1/ab/abcdef", b"second")
    assert await store.get("schools/1/ab/abcdef") == b"second"

    await store.delete("schools/1/ab/abcdef")
    await store.delete("schools/1/ab/abcdef")
    with pytest.raises(BlobNotFound):
        await store.get("schools/1/ab/abcdef")


async def test_s3_prefix_keeps_blobs_inside_it(s3_config):
    store = S3BlobStore(S3Config(**{**s3_config.__dict__, "prefix": "files/"}))
    await store.put("schools/2/cd/cdef", b"sealed")
    listed = store._client.list_objects_v2(Bucket=s3_config.bucket)["Contents"]
    assert [item["Key"] for item in listed] == ["files/schools/2/cd/cdef"]


@pytest.mark.parametrize("key", ["../outside", "/abs", "a//b"])
async def test_s3_refuses_unsafe_keys(s3_config, key):
    with pytest.raises(InvalidBlobKey):
        await S3BlobStore(s3_config).put(key, b"data")


def test_s3_config_repr_hides_the_secret(s3_config):
    assert "test-secret-key" not in repr(s3_config)
