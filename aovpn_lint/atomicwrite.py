"""Writing a file that the user names: reports (``--output``) and fixed sources.

:func:`write_file` decides by what is at the path, never by its name alone:

- nothing there: a new file is written atomically with the mode a shell's ``>`` gives it
  (``0666`` less the umask);
- a regular file: replaced atomically (a temporary file in the same folder, flushed, then
  renamed over it), keeping its permission bits (and its owner where allowed); a reader sees
  the old content or the new, never half of it, and a failed write leaves the old file and no
  temporary file. A hard link to the old file keeps the old content;
- a symbolic link to a regular file: the file it points to is replaced as above and the link
  stays a link;
- a device, a FIFO, a socket, or a path in ``/dev`` or ``/proc`` (``/dev/stdout``,
  ``/dev/fd/3``, ``/dev/null``): written through, opened without creating or replacing
  anything. ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N`` write to the process's own
  descriptor, so a shell's ``>>`` still appends. A FIFO that no process reads is waited for
  at most :data:`FIFO_WAIT` seconds, then the write fails instead of hanging.

Errors are ``OSError``s for the caller to word; nothing is left behind on any failure path,
including an interrupt.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time

#: seconds to wait for a process to open a FIFO for reading before giving up
FIFO_WAIT = 10.0
_FIFO_POLL = 0.05
_OWN_DESCRIPTOR = re.compile(r"^/(?:dev/fd/|proc/self/fd/)(\d+)$")
_DESCRIPTOR_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}
_NO_FOLLOW_WRITE = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` as the module docstring describes."""
    descriptor = _own_descriptor(path)
    if descriptor is not None:
        _write_all(descriptor, data)
        return
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        replace_atomically(path, data)
        return
    if stat.S_ISLNK(link.st_mode):
        try:
            target = os.stat(path)
        except FileNotFoundError:
            raise OSError(errno.ENOENT, "a symbolic link to a missing file") from None
        if stat.S_ISREG(target.st_mode) and not _is_system_path(path):
            replace_atomically(os.path.realpath(path), data)
            return
        _write_through(path, data, target)
        return
    if stat.S_ISREG(link.st_mode) and not _is_system_path(path):
        replace_atomically(path, data)
        return
    if stat.S_ISDIR(link.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    _write_through(path, data, link)


def replace_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``.

    An existing file keeps its permission bits; a new one gets ``0666`` less the umask. On any
    failure (a full disk, a directory in the way, a signal) the temporary file is removed and
    ``path`` is untouched.
    """
    directory, name = os.path.split(os.path.abspath(path))
    try:
        old: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        old = None  # os.open's 0o666 is reduced by the umask, as for any new file
    tmp, fd = _temporary(directory, name)
    try:
        try:
            if old is not None:
                _keep_owner(fd, old)
                _chmod(fd, tmp, stat.S_IMODE(old.st_mode))
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _temporary(directory: str, name: str) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _attempt in range(100):
        tmp = os.path.join(directory, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", directory)


def _keep_owner(fd: int, old: os.stat_result) -> None:
    """The owner and group of the replaced file, where this process may set them (root may;
    others may keep a group they belong to); otherwise the new file is the writer's."""
    if not hasattr(os, "fchown"):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except OSError:
        pass


def _chmod(fd: int, tmp: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows: only the read-only bit exists
        os.chmod(tmp, mode)


def _own_descriptor(path: str) -> int | None:
    """The descriptor number ``path`` names when it is one of this process's own."""
    if os.name != "posix":
        return None
    normal = os.path.normpath(path)
    if normal in _DESCRIPTOR_NAMES:
        return _DESCRIPTOR_NAMES[normal]
    match = _OWN_DESCRIPTOR.match(normal)
    return int(match.group(1)) if match else None


def _is_system_path(path: str) -> bool:
    """``/dev`` and ``/proc`` entries are never replaced, whatever they look like."""
    absolute = os.path.abspath(path)
    return os.name == "posix" and absolute.startswith(("/dev/", "/proc/"))


def _write_through(path: str, data: bytes, info: os.stat_result) -> None:
    if stat.S_ISFIFO(info.st_mode):
        fd = _open_fifo(path)
    else:
        fd = os.open(path, _NO_FOLLOW_WRITE)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _open_fifo(path: str) -> int:
    """Open a FIFO for writing without blocking forever when nobody reads it."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    deadline = time.monotonic() + FIFO_WAIT
    while True:
        try:
            fd = os.open(path, _NO_FOLLOW_WRITE | nonblock)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            if time.monotonic() >= deadline:
                raise OSError(
                    errno.ENXIO, f"no process read the FIFO within {FIFO_WAIT:g} seconds"
                ) from None
            time.sleep(_FIFO_POLL)
    os.set_blocking(fd, True)  # the reader is there: a slow reader is waited for
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
