"""torchvision's ImageFolder over a Shoal FUSE mount: PNGs written through the binding are found
by class directory and decoded through the kernel mount, in DataLoader workers, pixel for pixel
as the same images decoded from local copies."""

import io
import os
import subprocess
import tempfile

import numpy as np
import pytest

from conftest import SHOAL_BIN, eventually

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
from PIL import Image  # noqa: E402  (torchvision brings it)


def mount_id(path):
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[4] == path:
                return fields[0]
    return None


@pytest.fixture(scope="module")
def mount(cluster):
    mp = tempfile.mkdtemp(prefix="shoal-py-fuse-")
    log = open(os.path.join(cluster.root, "fuse.log"), "wb")
    proc = subprocess.Popen([SHOAL_BIN, "fuse", "mount", mp, "--foreground",
                             f"-Dshoal.master.rpc.port={cluster.port}", f"-Dshoal.log.dir={cluster.root}/logs"],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    eventually(lambda: mount_id(mp) is not None and os.path.isdir(os.path.join(mp, "data")), what="the FUSE mount")
    yield mp
    subprocess.run([SHOAL_BIN, "fuse", "unmount", mp], timeout=60)
    proc.wait(timeout=60)
    os.rmdir(mp)


def test_image_folder_over_the_mount_decodes_every_image(fs, mount, tmp_path):
    rng = np.random.default_rng(3)
    classes = ["cat", "dog", "fish"]
    local = tmp_path / "images"
    for c in classes:
        (local / c).mkdir(parents=True)
        for i in range(6):
            pixels = rng.integers(0, 256, size=(16 + i, 20, 3), dtype=np.uint8)
            buf = io.BytesIO()
            Image.fromarray(pixels).save(buf, format="PNG")
            (local / c / f"{i}.png").write_bytes(buf.getvalue())
            fs.pipe(f"/data/images/{c}/{i}.png", buf.getvalue())
    to_tensor = torchvision.transforms.PILToTensor()
    remote = torchvision.datasets.ImageFolder(os.path.join(mount, "data/images"), transform=to_tensor)
    reference = torchvision.datasets.ImageFolder(str(local), transform=to_tensor)
    assert remote.classes == classes
    assert [os.path.relpath(p, os.path.join(mount, "data/images")) for p, _ in remote.samples] == \
           [os.path.relpath(p, str(local)) for p, _ in reference.samples]
    loader = torch.utils.data.DataLoader(remote, batch_size=None, num_workers=2, timeout=120)
    got = list(loader)
    assert len(got) == len(reference) == 18
    for (image, label), (want, want_label) in zip(got, reference):
        assert label == want_label
        assert torch.equal(image, want)
