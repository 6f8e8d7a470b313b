"""The S3 gateway (`shoal proxy`) with the clients people use: boto3 (Debian's python3-boto3) in
path and virtual-host style, and s3cmd. Bytes through S3 equal the bytes written, what S3 writes
the Shoal binding reads at once and the other way round, listings page in S3 order, and wrong keys
get S3's errors and write nothing."""

import hashlib
import io
import os
import random
import socket
import subprocess

import pytest

from conftest import eventually

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from boto3.s3.transfer import TransferConfig  # noqa: E402

MiB = 1 << 20


def data_of(n, seed):
    return random.Random(seed).randbytes(n)


@pytest.fixture
def loopback_names(monkeypatch, gateway):
    """Virtual-host style needs "<bucket>.s3.shoal.test" to resolve; this machine has no DNS for
    it, so the test process resolves that domain to 127.0.0.1 (nothing else changes)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and (host == gateway.domain or host.endswith("." + gateway.domain)):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def client(gateway, style="path", access=None, secret=None):
    endpoint = gateway.endpoint if style == "path" else f"http://{gateway.domain}:{gateway.port}"
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=access or gateway.access, aws_secret_access_key=secret or gateway.secret,
        config=Config(s3={"addressing_style": style}, retries={"max_attempts": 1}))


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_boto3_puts_gets_copies_and_deletes(gateway, fs, loopback_names, style):
    s3 = client(gateway, style)
    key = f"boto/{style}/hello.bin"
    data = data_of(300_001, 1)
    put = s3.put_object(Bucket="data", Key=key, Body=data, ContentType="application/x-test",
                        Metadata={"owner": "alice", "run": "7"})
    assert put["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    head = s3.head_object(Bucket="data", Key=key)
    assert head["ContentLength"] == len(data)
    assert head["ContentType"] == "application/x-test"
    assert head["Metadata"] == {"owner": "alice", "run": "7"}
    assert head["ETag"] == put["ETag"]
    assert s3.get_object(Bucket="data", Key=key)["Body"].read() == data
    ranged = s3.get_object(Bucket="data", Key=key, Range="bytes=1000-1999")
    assert ranged["ContentRange"] == f"bytes 1000-1999/{len(data)}"
    assert ranged["Body"].read() == data[1000:2000]
    # What S3 wrote, the binding reads at once.
    assert fs.cat("/data/" + key) == data

    copy = f"boto/{style}/copy.bin"
    s3.copy_object(Bucket="data", Key=copy, CopySource={"Bucket": "data", "Key": key},
                   MetadataDirective="REPLACE", ContentType="text/plain", Metadata={"owner": "bob"})
    head = s3.head_object(Bucket="data", Key=copy)
    assert (head["ContentType"], head["Metadata"]) == ("text/plain", {"owner": "bob"})
    assert s3.get_object(Bucket="data", Key=copy)["Body"].read() == data

    gone = s3.delete_objects(Bucket="data", Delete={"Objects": [{"Key": key}, {"Key": copy}], "Quiet": True})
    assert not gone.get("Errors")
    for k in (key, copy):
        with pytest.raises(ClientError) as e:
            s3.head_object(Bucket="data", Key=k)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        # The binding trusts a status it read for shoal.user.metadata.cache.expiration (1s).
        eventually(lambda: not fs.exists("/data/" + k), timeout=30, what=f"/data/{k} gone for the binding")


def test_boto3_reads_what_the_binding_wrote_and_lists_it(gateway, fs):
    s3 = client(gateway)
    data = data_of(2 * MiB + 5, 2)
    fs.pipe("/data/from-binding/x.bin", data)
    assert s3.get_object(Bucket="data", Key="from-binding/x.bin")["Body"].read() == data
    listed = s3.list_objects_v2(Bucket="data", Prefix="from-binding/")
    assert [(o["Key"], o["Size"]) for o in listed["Contents"]] == [("from-binding/x.bin", len(data))]
    # Not an MD5 (it has a dash), so SDKs do not check the body against it.
    assert "-" in listed["Contents"][0]["ETag"]
    # Replaced through the binding right after the gateway read it: the next GET has the new bytes
    # (S3 is read-after-write consistent; the gateway keeps no metadata cache).
    fs.remove("/data/from-binding/x.bin")
    fs.pipe("/data/from-binding/x.bin", b"replaced")
    assert s3.get_object(Bucket="data", Key="from-binding/x.bin")["Body"].read() == b"replaced"
    fs.remove("/data/from-binding/x.bin")
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="data", Key="from-binding/x.bin")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_boto3_multipart_upload_is_one_object_with_a_multipart_etag(gateway, fs):
    s3 = client(gateway)
    data = data_of(13 * MiB + 17, 3)
    chunk = 5 * MiB
    s3.upload_fileobj(io.BytesIO(data), "data", "boto/multi.bin",
                      Config=TransferConfig(multipart_threshold=chunk, multipart_chunksize=chunk, max_concurrency=3))
    parts = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    want = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f"-{len(parts)}"
    assert s3.head_object(Bucket="data", Key="boto/multi.bin")["ETag"] == f'"{want}"'
    out = io.BytesIO()
    s3.download_fileobj("data", "boto/multi.bin", out)
    assert out.getvalue() == data
    assert fs.cat("/data/boto/multi.bin") == data
    assert not s3.list_multipart_uploads(Bucket="data").get("Uploads")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="data", Prefix="").get("Contents", [])]
    assert not [k for k in keys if ".shoal-s3-" in k]


def test_boto3_listing_pages_in_s3_order(gateway, fs):
    s3 = client(gateway)
    names = [f"list/{a}/{b}" for a in ("a", "a-b", "a.c", "b") for b in ("k1", "k2", "z/deep")] + ["list/a0", "list/top"]
    for i, n in enumerate(names):
        fs.pipe("/data/" + n, b"%d" % i)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="data", Prefix="list/", PaginationConfig={"PageSize": 4})
    got = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert got == sorted(names, key=lambda k: k.encode())
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="data", Prefix="list/", Delimiter="/",
                                                         PaginationConfig={"PageSize": 2})
    prefixes, keys = [], []
    for p in pages:
        prefixes += [c["Prefix"] for c in p.get("CommonPrefixes", [])]
        keys += [o["Key"] for o in p.get("Contents", [])]
    assert prefixes == ["list/a-b/", "list/a.c/", "list/a/", "list/b/"]
    assert keys == ["list/a0", "list/top"]
    v1 = s3.get_paginator("list_objects").paginate(Bucket="data", Prefix="list/a", PaginationConfig={"PageSize": 3})
    assert [o["Key"] for p in v1 for o in p.get("Contents", [])] == [k for k in got if k.startswith("list/a")]
    # An empty continuation token starts at the beginning and is echoed, as S3 does.
    first = s3.list_objects_v2(Bucket="data", Prefix="list/", ContinuationToken="")
    assert first["ContinuationToken"] == ""
    assert [o["Key"] for o in first["Contents"]] == got


def test_boto3_wrong_keys_are_refused_and_write_nothing(gateway, fs):
    with pytest.raises(ClientError) as e:
        client(gateway, secret="not-the-secret").put_object(Bucket="data", Key="boto/denied", Body=b"x")
    assert error_code(e) == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as e:
        client(gateway, access="nobody").put_object(Bucket="data", Key="boto/denied", Body=b"x")
    assert error_code(e) == "InvalidAccessKeyId"
    with pytest.raises(ClientError) as e:
        client(gateway).put_object(Bucket="data", Key="boto/denied", Body=b"x", ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg==")
    assert error_code(e) == "BadDigest"
    assert not fs.exists("/data/boto/denied")


def test_boto3_buckets_are_top_level_directories(gateway, fs):
    s3 = client(gateway)
    s3.create_bucket(Bucket="py-empty")
    assert fs.isdir("/py-empty")
    assert "py-empty" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.head_bucket(Bucket="py-empty")
    s3.delete_bucket(Bucket="py-empty")
    eventually(lambda: not fs.exists("/py-empty"), timeout=30, what="/py-empty gone for the binding")
    fs.pipe("/data/keep.txt", b"keep")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket="data")
    assert error_code(e) == "BucketNotEmpty"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="no-such-bucket", Key="x")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="no-such-bucket", Key="x")
    assert error_code(e) == "NoSuchBucket"
    assert fs.cat("/data/keep.txt") == b"keep"


def s3cmd(gateway, tmp_path, *args, secret=None):
    conf = tmp_path / "s3cfg"
    conf.write_text(
        "[default]\n"
        f"access_key = {gateway.access}\n"
        f"secret_key = {secret or gateway.secret}\n"
        f"host_base = 127.0.0.1:{gateway.port}\n"
        f"host_bucket = 127.0.0.1:{gateway.port}\n"
        "use_https = False\n"
        "signature_v2 = False\n"
        "bucket_location = us-east-1\n")
    return subprocess.run(["/usr/bin/s3cmd", "-c", str(conf), *args], capture_output=True, text=True, timeout=300)


def test_s3cmd_puts_lists_gets_syncs_and_deletes(gateway, fs, tmp_path):
    if not os.path.exists("/usr/bin/s3cmd"):
        pytest.skip("no /usr/bin/s3cmd (scripts/install-deps.sh installs it)")
    data = data_of(1 * MiB + 3, 4)
    (tmp_path / "a.bin").write_bytes(data)
    r = s3cmd(gateway, tmp_path, "put", str(tmp_path / "a.bin"), "s3://data/cmd/a.bin")
    assert r.returncode == 0, r.stderr
    assert fs.cat("/data/cmd/a.bin") == data
    r = s3cmd(gateway, tmp_path, "ls", "s3://data/cmd/")
    assert r.returncode == 0, r.stderr
    assert "s3://data/cmd/a.bin" in r.stdout and str(len(data)) in r.stdout
    r = s3cmd(gateway, tmp_path, "get", "s3://data/cmd/a.bin", str(tmp_path / "back.bin"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "back.bin").read_bytes() == data

    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "one.txt").write_text("one\n")
    (tree / "sub" / "two.bin").write_bytes(data_of(70_000, 5))
    r = s3cmd(gateway, tmp_path, "sync", str(tree) + "/", "s3://data/cmd/tree/")
    assert r.returncode == 0, r.stderr
    assert fs.cat("/data/cmd/tree/one.txt") == b"one\n"
    assert fs.cat("/data/cmd/tree/sub/two.bin") == (tree / "sub" / "two.bin").read_bytes()
    r = s3cmd(gateway, tmp_path, "ls", "--recursive", "s3://data/cmd/")
    listed = sorted(line.split()[-1] for line in r.stdout.splitlines() if "s3://" in line)
    assert listed == ["s3://data/cmd/a.bin", "s3://data/cmd/tree/one.txt", "s3://data/cmd/tree/sub/two.bin"]

    r = s3cmd(gateway, tmp_path, "put", str(tmp_path / "a.bin"), "s3://data/cmd/denied.bin", secret="wrong")
    assert r.returncode != 0
    assert "SignatureDoesNotMatch" in r.stderr + r.stdout
    assert not fs.exists("/data/cmd/denied.bin")

    r = s3cmd(gateway, tmp_path, "del", "--recursive", "--force", "s3://data/cmd/")
    assert r.returncode == 0, r.stderr
    for gone in ("/data/cmd/a.bin", "/data/cmd/tree/one.txt"):
        eventually(lambda: not fs.exists(gone), timeout=30, what=f"{gone} gone for the binding")


def send_chunked(gateway, key, data, payload_type, chunk=64 * 1024, tamper=False):
    """A PUT with an aws-chunked body, framed and signed as the AWS documentation describes: botocore
    signs the headers (the seed signature) and frames the unsigned-trailer body itself
    (AwsChunkedWrapper, what it sends over https); the signed chunk chain is computed here."""
    import hmac
    import http.client
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

    url = f"{gateway.endpoint}/data/{key}"
    headers = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data))}
    creds = Credentials(gateway.access, gateway.secret)
    if payload_type == "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
        headers["X-Amz-Trailer"] = "x-amz-checksum-crc32"
        body = AwsChunkedWrapper(io.BytesIO(data), checksum_cls=Crc32Checksum, checksum_name="x-amz-checksum-crc32",
                                 chunk_size=chunk).read()
        req = AWSRequest("PUT", url, headers=headers, data=b"")
        req.context["checksum"] = {"request_algorithm": {"in": "trailer", "algorithm": "crc32",
                                                         "name": "x-amz-checksum-crc32"}}
        S3SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
    else:
        headers["X-Amz-Content-SHA256"] = payload_type
        req = AWSRequest("PUT", url, headers=headers, data=b"")
        SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
        amz_date = req.headers["X-Amz-Date"]
        seed = req.headers["Authorization"].rsplit("Signature=", 1)[1]
        scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
        key_ = ("AWS4" + gateway.secret).encode()
        for part in (amz_date[:8], "us-east-1", "s3", "aws4_request"):
            key_ = hmac.new(key_, part.encode(), hashlib.sha256).digest()
        prev, body = seed, b""
        empty = hashlib.sha256(b"").hexdigest()
        for at in list(range(0, len(data), chunk)) + [len(data)]:
            piece = data[at:at + chunk]
            to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev, empty,
                                 hashlib.sha256(piece).hexdigest()])
            prev = hmac.new(key_, to_sign.encode(), hashlib.sha256).hexdigest()
            body += b"%x;chunk-signature=%s\r\n%s\r\n" % (len(piece), prev.encode(), piece)
            if not piece:
                break
    if tamper:
        body = bytearray(body)
        body[len(body) // 2] ^= 1
        body = bytes(body)
    sent = dict(req.headers.items())
    sent["Content-Length"] = str(len(body))
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=120)
    conn.request("PUT", f"/data/{key}", body=body, headers=sent)
    r = conn.getresponse()
    out = (r.status, r.read().decode())
    conn.close()
    return out


@pytest.mark.parametrize("payload_type", ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"])
def test_aws_chunked_uploads_store_the_data_not_the_framing(gateway, fs, payload_type):
    data = data_of(300_000, 6)
    key = f"chunked/{payload_type.lower()}.bin"
    status, text = send_chunked(gateway, key, data, payload_type)
    assert status == 200, text
    assert fs.cat("/data/" + key) == data
    head = client(gateway).head_object(Bucket="data", Key=key)
    assert (head["ContentLength"], head["ETag"]) == (len(data), '"%s"' % hashlib.md5(data).hexdigest())
    # One flipped bit in the body: a chunk signature or the CRC32 trailer no longer matches, and
    # nothing replaces the object stored before.
    status, text = send_chunked(gateway, key, data_of(300_000, 7), payload_type, tamper=True)
    assert status in (400, 403), text
    assert ("SignatureDoesNotMatch" in text) or ("BadDigest" in text) or ("InvalidRequest" in text), text
    assert fs.cat("/data/" + key) == data


def test_listing_100000_keys_page_by_page_equals_the_tree(gateway, cluster):
    # Written straight into the store: the master learns them by metadata sync on the first listing.
    root = os.path.join(cluster.store, "big")
    names = []
    for d in range(10):
        os.makedirs(os.path.join(root, f"d{d}"))
        for i in range(10_000):
            name = f"d{d}/k{i:05d}" + (".txt" if i % 3 == 0 else "")
            open(os.path.join(root, name), "wb").close()
            names.append("big/" + name)
    # /data was listed before: one listing that syncs lets the master see "big" (its contents load
    # on their first listing, through the gateway).
    cluster.cli("fs", "ls", "/data", "-Dshoal.user.file.metadata.sync.interval=0")
    s3 = client(gateway)
    got, pages = [], 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="data", Prefix="big/",
                                                             PaginationConfig={"PageSize": 1000}):
        got += [o["Key"] for o in page.get("Contents", [])]
        pages += 1
    want = sorted(names, key=lambda k: k.encode())
    assert got == want
    assert pages == 100
    # From a marker deep inside (no key of its own): the next keys, as S3 orders them.
    page = s3.list_objects_v2(Bucket="data", Prefix="big/", StartAfter="big/d7/k04999-", MaxKeys=3)
    at = next(i for i, k in enumerate(want) if k > "big/d7/k04999-")
    assert [o["Key"] for o in page["Contents"]] == want[at:at + 3]


def raw(gateway, method, path, query="", headers=None, body=b"", amz_time=None, send_body=True):
    """One request signed with Signature V4 as the AWS documentation describes it (header auth,
    UNSIGNED-PAYLOAD), written here so a test can sign what no SDK would send: a skewed clock, a
    declared length it never sends. Returns (status, body text)."""
    import datetime
    import hmac
    import http.client
    import urllib.parse

    when = amz_time or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    hdrs = {"host": f"127.0.0.1:{gateway.port}", "x-amz-date": amz_date, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    signed = sorted(hdrs)
    params = sorted(urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
                               for k, v in params)
    canonical = "\n".join([method, urllib.parse.quote(path, safe="/-_.~"), canonical_query,
                           "".join(f"{h}:{hdrs[h].strip()}\n" for h in signed), ";".join(signed), "UNSIGNED-PAYLOAD"])
    scope = f"{day}/us-east-1/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + gateway.secret).encode()
    for part in (day, "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    hdrs["authorization"] = (f"AWS4-HMAC-SHA256 Credential={gateway.access}/{scope}, SignedHeaders={';'.join(signed)}, "
                             f"Signature={signature}")
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=120)
    conn.putrequest(method, path + ("?" + query if query else ""), skip_host=True, skip_accept_encoding=True)
    for k, v in hdrs.items():
        conn.putheader(k, v)
    if "content-length" not in hdrs:
        conn.putheader("content-length", str(len(body)))
    conn.endheaders()
    if send_body and body:
        conn.send(body)
    r = conn.getresponse()
    out = (r.status, r.read().decode(errors="replace"))
    conn.close()
    return out


def test_hostile_requests_get_the_right_s3_error_and_write_nothing(gateway, fs):
    import datetime
    # The signing itself is right: the same helper with the true time is accepted.
    assert raw(gateway, "PUT", "/data/hostile/ok.txt", body=b"fine")[0] == 200
    assert fs.cat("/data/hostile/ok.txt") == b"fine"
    # A clock 20 minutes off.
    skewed = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, text = raw(gateway, "PUT", "/data/hostile/skewed.txt", body=b"late", amz_time=skewed)
    assert (status, "<Code>RequestTimeTooSkewed</Code>" in text) == (403, True), text
    # A 6 GiB single PUT is refused from its Content-Length, before a byte of it is read.
    status, text = raw(gateway, "PUT", "/data/hostile/huge.bin", headers={"content-length": str(6 << 30)},
                       send_body=False)
    assert (status, "<Code>EntityTooLarge</Code>" in text) == (400, True), text
    # Malformed XML bodies: a batch delete and a multipart completion.
    status, text = raw(gateway, "POST", "/data", query="delete=", body=b"<Delete><Object><Key>x</Key>",
                       headers={"content-md5": __import__("base64").b64encode(
                           hashlib.md5(b"<Delete><Object><Key>x</Key>").digest()).decode()})
    assert (status, "<Code>MalformedXML</Code>" in text) == (400, True), text
    s3 = client(gateway)
    upload = s3.create_multipart_upload(Bucket="data", Key="hostile/multi.bin")["UploadId"]
    status, text = raw(gateway, "POST", "/data/hostile/multi.bin", query=f"uploadId={upload}", body=b"not xml at all")
    assert (status, "<Code>MalformedXML</Code>" in text) == (400, True), text
    # Parts out of order.
    part1 = s3.upload_part(Bucket="data", Key="hostile/multi.bin", UploadId=upload, PartNumber=1,
                           Body=data_of(5 * MiB, 8))["ETag"]
    part2 = s3.upload_part(Bucket="data", Key="hostile/multi.bin", UploadId=upload, PartNumber=2, Body=b"tail")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="data", Key="hostile/multi.bin", UploadId=upload, MultipartUpload={
            "Parts": [{"PartNumber": 2, "ETag": part2}, {"PartNumber": 1, "ETag": part1}]})
    assert error_code(e) == "InvalidPartOrder"
    s3.abort_multipart_upload(Bucket="data", Key="hostile/multi.bin", UploadId=upload)
    # A range past the end.
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="data", Key="hostile/ok.txt", Range="bytes=100-200")
    assert error_code(e) == "InvalidRange"
    # Nothing of the refused requests is visible, hidden or not.
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="data", Prefix="hostile/").get("Contents", [])]
    assert listed == ["hostile/ok.txt"]
    assert sorted(fs.listdir("/data/hostile")) == ["ok.txt"]


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_boto3_checksum_headers_are_checked(gateway, fs, algorithm):
    s3 = client(gateway)
    data = data_of(70_000, 9)
    key = f"checksum/{algorithm.lower()}.bin"
    try:
        s3.put_object(Bucket="data", Key=key, Body=data, ChecksumAlgorithm=algorithm)
    except Exception as e:  # botocore computes CRC32C only with awscrt, which Debian lacks
        if algorithm == "CRC32C" and "CRT" in str(e):
            pytest.skip("botocore needs awscrt for CRC32C")
        raise
    assert fs.cat("/data/" + key) == data
    # A value that is not the body's: BadDigest, and the object is still the first one.
    wrong = {"CRC32": "AAAAAA==", "CRC32C": "AAAAAA==", "SHA1": "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
             "SHA256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}[algorithm]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="data", Key=key, Body=data_of(70_000, 10), **{f"Checksum{algorithm}": wrong})
    assert error_code(e) == "BadDigest"
    assert fs.cat("/data/" + key) == data


class PatternStream(io.RawIOBase):
    """`size` bytes of a repeating random block, each 16 MiB stamped with its index (so no two
    parts are alike), produced as read without holding them; byte_at() says what any offset holds."""

    BLOCK = 16 * MiB

    def __init__(self, size, seed):
        self.size, self.pos = size, 0
        self.base = bytearray(random.Random(seed).randbytes(self.BLOCK))

    def block(self, i):
        b = bytearray(self.base)
        b[:8] = i.to_bytes(8, "little")
        return b

    def slice(self, start, end):
        out = bytearray()
        while start < end:
            i, off = divmod(start, self.BLOCK)
            n = min(end - start, self.BLOCK - off)
            out += self.block(i)[off:off + n]
            start += n
        return bytes(out)

    def readable(self):
        return True

    def readinto(self, buf):
        n = min(len(buf), self.size - self.pos)
        buf[:n] = self.slice(self.pos, self.pos + n)
        self.pos += n
        return n


def test_a_2_gib_multipart_upload_reads_back_by_range_and_whole(gateway, fs):
    s3 = client(gateway)
    size, part = (2 << 30) + 12345, 64 * MiB
    src = PatternStream(size, 11)
    s3.upload_fileobj(io.BufferedReader(src, buffer_size=8 * MiB), "data", "huge/two-gib.bin",
                      Config=TransferConfig(multipart_threshold=part, multipart_chunksize=part, max_concurrency=4))
    ref = PatternStream(size, 11)
    digests = [hashlib.md5(ref.slice(o, min(o + part, size))).digest() for o in range(0, size, part)]
    head = s3.head_object(Bucket="data", Key="huge/two-gib.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == '"%s-%d"' % (hashlib.md5(b"".join(digests)).hexdigest(), len(digests))
    for start in (0, part - 7, 1 << 30, size - 100):
        end = min(start + 3 * MiB, size) - 1
        got = s3.get_object(Bucket="data", Key="huge/two-gib.bin", Range=f"bytes={start}-{end}")["Body"].read()
        assert got == ref.slice(start, end + 1), start
    whole, at = hashlib.md5(), 0
    body = s3.get_object(Bucket="data", Key="huge/two-gib.bin")["Body"]
    want = hashlib.md5()
    for chunk in iter(lambda: body.read(16 * MiB), b""):
        whole.update(chunk)
        want.update(ref.slice(at, at + len(chunk)))
        at += len(chunk)
    assert at == size
    assert whole.hexdigest() == want.hexdigest()
    s3.delete_object(Bucket="data", Key="huge/two-gib.bin")


def test_a_refused_put_does_not_spoil_the_connection_and_empty_prefixes_go(gateway, fs, cluster):
    # The refused PUT's body is never read; the next request on the same kept-alive connection
    # used to be parsed from it (a bare 400).
    s3 = client(gateway)
    s3.put_object(Bucket="data", Key="prune/foo/bar", Body=b"x")
    for _ in range(3):
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket="data", Key="prune/foo/bar/under", Body=b"y" * 1000)
        assert error_code(e) == "InvalidObjectState"
        versions = s3.list_object_versions(Bucket="data", Prefix="prune/")["Versions"]
        assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in versions] == [("prune/foo/bar", "null", True)]
    assert s3.get_object(Bucket="data", Key="prune/foo/bar", VersionId="null")["Body"].read() == b"x"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="data", Key="prune/foo/bar", VersionId="3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
    assert error_code(e) == "NoSuchVersion"
    # A marker the client made stays; the prefixes that only held the deleted key go with it.
    s3.put_object(Bucket="data", Key="prune/kept/", Body=b"")
    s3.put_object(Bucket="data", Key="prune/kept/inner/k", Body=b"z")
    s3.delete_objects(Bucket="data", Delete={"Objects": [{"Key": "prune/foo/bar", "VersionId": "null"},
                                                         {"Key": "prune/kept/inner/k"}]})
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="data", Prefix="prune/")["Contents"]] == ["prune/kept/"]
    eventually(lambda: sorted(fs.listdir("/data/prune")) == ["kept"], timeout=30, what="empty prefixes gone")
    assert fs.listdir("/data/prune/kept") == []
    # Gone from the store too (the directories were made there when the objects were written).
    assert sorted(os.listdir(os.path.join(cluster.store, "prune"))) == ["kept"]


def test_conditional_puts_and_copies(gateway, fs):
    s3 = client(gateway)
    # If-None-Match: * writes only a new key.
    assert raw(gateway, "PUT", "/data/cond/k", headers={"if-none-match": "*"}, body=b"first")[0] == 200
    status, text = raw(gateway, "PUT", "/data/cond/k", headers={"if-none-match": "*"}, body=b"second")
    assert (status, "<Code>PreconditionFailed</Code>" in text) == (412, True), text
    etag = s3.head_object(Bucket="data", Key="cond/k")["ETag"]
    # If-Match replaces only the version named.
    status, text = raw(gateway, "PUT", "/data/cond/k", headers={"if-match": '"0123456789abcdef0123456789abcdef"'},
                       body=b"third")
    assert status == 412, text
    status, text = raw(gateway, "PUT", "/data/cond/none", headers={"if-match": etag}, body=b"x")
    assert (status, "<Code>NoSuchKey</Code>" in text) == (404, True), text
    assert raw(gateway, "PUT", "/data/cond/k", headers={"if-match": etag}, body=b"fourth")[0] == 200
    assert s3.get_object(Bucket="data", Key="cond/k")["Body"].read() == b"fourth"
    assert not fs.exists("/data/cond/none")
    # CopyObject against the source's ETag.
    now = s3.head_object(Bucket="data", Key="cond/k")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket="data", Key="cond/copy", CopySource="data/cond/k", CopySourceIfMatch=etag)
    assert error_code(e) == "PreconditionFailed"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket="data", Key="cond/copy", CopySource="data/cond/k", CopySourceIfNoneMatch=now)
    assert error_code(e) == "PreconditionFailed"
    s3.copy_object(Bucket="data", Key="cond/copy", CopySource="data/cond/k", CopySourceIfMatch=now)
    assert s3.get_object(Bucket="data", Key="cond/copy")["Body"].read() == b"fourth"
