"""PyTorch's DataLoader over Shoal with the client made in the parent, under every start method,
and checkpoints through Shoal."""

import concurrent.futures
import os
import hashlib
import posixpath

import pytest
import torch
import torch.utils.data

import shoal.torch

FILES = int(os.environ.get("SHOAL_TEST_FILES", "10000"))


def content(path):
    """Each sample's bytes follow from its path (1-4 KiB), so a worker that read the wrong file or
    a torn one is caught."""
    seed = hashlib.sha256(path.encode()).digest()
    return seed * (32 + seed[0] % 96)


def check_sample(path, data):
    return path, data == content(path)


@pytest.fixture(scope="module")
def tree(fs):
    paths = [f"/data/samples/{i % 100:02d}/{i:05d}.bin" for i in range(FILES)]
    for d in sorted({posixpath.dirname(p) for p in paths}):
        fs.makedirs(d, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:  # the GIL is released while a write waits
        list(pool.map(lambda p: fs.pipe(p, content(p)), paths))
    return paths


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_dataloader_workers_read_every_sample_right(fs, tree, method):
    # The parent uses the client first: its connections and threads exist when the workers fork.
    ds = shoal.torch.FileDataset(fs, "/data/samples", transform=None)
    assert ds.paths == sorted(tree)
    ds.transform = check_sample
    loader = torch.utils.data.DataLoader(ds, batch_size=100, num_workers=4, multiprocessing_context=method,
                                         timeout=120, collate_fn=list)  # a hung worker fails the test
    seen = {}
    for batch in loader:
        for path, ok in batch:
            seen[path] = ok
    assert len(seen) == FILES
    assert [p for p, ok in seen.items() if not ok] == []


def test_iterable_dataset_splits_the_list_between_workers(fs, tree):
    ds = shoal.torch.FileListDataset(fs, tree[:1000], transform=check_sample)
    loader = torch.utils.data.DataLoader(ds, batch_size=50, num_workers=4, timeout=120, collate_fn=list)
    got = [item for batch in loader for item in batch]
    assert sorted(p for p, _ in got) == sorted(tree[:1000])
    assert all(ok for _, ok in got)


def test_a_checkpoint_saved_through_shoal_loads_back(fs):
    model = torch.nn.Linear(16, 4)
    shoal.torch.save(model.state_dict(), fs, "/data/ckpt/model.pt")
    state = shoal.torch.load(fs, "/data/ckpt/model.pt")
    again = torch.nn.Linear(16, 4)
    again.load_state_dict(state)
    for a, b in zip(model.parameters(), again.parameters()):
        assert torch.equal(a, b)
