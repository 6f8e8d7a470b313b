"""PyTorch helpers over the binding: datasets that read through Shoal's client, and checkpoints
saved to and loaded from Shoal.

    fs = shoal.connect(master="10.0.0.5:19998")
    ds = shoal.torch.FileDataset(fs, "/data/train", transform=decode)
    loader = torch.utils.data.DataLoader(ds, batch_size=64, num_workers=8)

Both datasets take a client made in the parent: DataLoader workers started with fork use it as
is (the child builds its own connections on first use), and with spawn or forkserver it is
pickled by its configuration.
"""

import io
import posixpath

import torch.utils.data

__all__ = ["FileDataset", "FileListDataset", "save", "load"]


def _files_under(client, root, suffixes):
    out = []
    for dirpath, _, files in client.walk(root):
        for name in files:
            if suffixes is None or name.endswith(tuple(suffixes)):
                out.append(posixpath.join(dirpath, name))
    out.sort()
    return out


class FileDataset(torch.utils.data.Dataset):
    """Map-style: every file under `root` (those ending in one of `suffixes`, if given), in path
    order. Item i is transform(path, bytes) if `transform` is given, else (path, bytes)."""

    def __init__(self, client, root, transform=None, suffixes=None):
        self.client = client
        self.root = root
        self.transform = transform
        self.paths = _files_under(client, root, suffixes)

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        path = self.paths[i]
        data = self.client.cat(path)
        return self.transform(path, data) if self.transform else (path, data)


class FileListDataset(torch.utils.data.IterableDataset):
    """Iterable: the files of `paths` in order, each DataLoader worker reading its own share;
    items as FileDataset's."""

    def __init__(self, client, paths, transform=None):
        self.client = client
        self.paths = list(paths)
        self.transform = transform

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        share = self.paths if info is None else self.paths[info.id::info.num_workers]
        for path in share:
            data = self.client.cat(path)
            yield self.transform(path, data) if self.transform else (path, data)


def save(obj, client, path, write_type=None):
    """torch.save(obj) to a Shoal file, published whole at the end (a reader never sees half)."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    client.pipe(path, buf.getbuffer(), write_type=write_type)


def load(client, path, **kwargs):
    """torch.load of a Shoal file (keyword arguments as torch.load's)."""
    return torch.load(io.BytesIO(client.cat(path)), **kwargs)
