"""The S3 gateway over the test Ceph's stores, not only file://: a CephFS mount and a radosgw
bucket mounted as s3://. Objects put through the gateway (single and multipart) read back byte for
byte through the gateway and the binding, and land in the store itself."""

import hashlib
import io
import random
import uuid

import pytest

from conftest import eventually

boto3 = pytest.importorskip("boto3")
from boto3.s3.transfer import TransferConfig  # noqa: E402
from botocore.config import Config  # noqa: E402

MiB = 1 << 20


def gateway_client(gateway):
    return boto3.session.Session().client(
        "s3", endpoint_url=gateway.endpoint, region_name="us-east-1", aws_access_key_id=gateway.access,
        aws_secret_access_key=gateway.secret, config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def radosgw(ceph_env):
    return boto3.session.Session().client(
        "s3", endpoint_url=ceph_env["S3_ENDPOINT"], region_name="us-east-1",
        aws_access_key_id=ceph_env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=ceph_env["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))


@pytest.fixture(scope="module")
def stores(cluster, ceph_env, fs):
    """(bucket, key prefix) -> a function reading a key back from the store itself."""
    tag = uuid.uuid4().hex[:8]
    conf = ["--option", f"ceph.conf={ceph_env['CEPH_CONF']}", "--option", "ceph.timeout=10s"]
    if not fs.exists("/ceph"):
        cluster.cli("fs", "mount", "/ceph", "cephfs:///", *conf)
    rgw = radosgw(ceph_env)
    rgw_name = f"shoal-gw-{tag}"
    rgw.create_bucket(Bucket=rgw_name)
    rgw_bucket = f"gw-rgw-{tag}"
    cluster.cli("fs", "mount", f"/{rgw_bucket}", f"s3://{rgw_name}", "--option", f"s3.endpoint={ceph_env['S3_ENDPOINT']}",
                "--option", f"s3.access.key={ceph_env['AWS_ACCESS_KEY_ID']}",
                "--option", f"s3.secret.key={ceph_env['AWS_SECRET_ACCESS_KEY']}")

    def from_cephfs(key):
        # Persisted, then dropped from the workers: the bytes the binding reads come from CephFS.
        path = f"/ceph/{key}"
        assert fs.stat(path).persisted, path
        fs.free(path)
        return fs.cat(path)

    def from_rgw(key):
        return rgw.get_object(Bucket=rgw_name, Key=key)["Body"].read()

    yield {("ceph", f"shoal-gw-{tag}/"): from_cephfs, (rgw_bucket, ""): from_rgw}
    cluster.cli("fs", "unmount", f"/{rgw_bucket}", check=False)


def test_objects_through_the_gateway_land_in_cephfs_and_radosgw(gateway, fs, stores):
    s3 = gateway_client(gateway)
    rng = random.Random(9)
    small = rng.randbytes(MiB + 11)
    large = rng.randbytes(11 * MiB + 3)
    for (bucket, prefix), from_store in stores.items():
        small_key, large_key = prefix + "a/small.bin", prefix + "b/large.bin"
        put = s3.put_object(Bucket=bucket, Key=small_key, Body=small)
        assert put["ETag"] == '"%s"' % hashlib.md5(small).hexdigest()
        s3.upload_fileobj(io.BytesIO(large), bucket, large_key,
                          Config=TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB))
        assert s3.get_object(Bucket=bucket, Key=small_key)["Body"].read() == small
        assert s3.get_object(Bucket=bucket, Key=large_key, Range="bytes=5242870-5242889")["Body"].read() == \
            large[5242870:5242890]
        out = io.BytesIO()
        s3.download_fileobj(bucket, large_key, out)
        assert out.getvalue() == large, bucket
        assert fs.cat(f"/{bucket}/{large_key}") == large
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
        assert keys == [small_key, large_key], bucket
        # In the store itself, not only in Shoal's cache.
        assert from_store(small_key) == small, bucket
        assert from_store(large_key) == large, bucket
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": small_key}, {"Key": large_key}]})
        eventually(lambda: not s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents"), timeout=30,
                   what=f"{bucket}/{prefix} empty")
