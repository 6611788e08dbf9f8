"""The one way this package opens a file it reads with a size limit: the tables (csvread.py), the
descriptor and schemas (descriptor.py), the article and the kept texts (article.py).

The size is taken from the open file, not from its name beforehand, so a file swapped between a
check and the read cannot slip past the limit; a file that grows while it is read is cut at the
limit + 1 byte and refused. Only a regular file is read: a FIFO or a device (/dev/zero, a
terminal) is refused at once instead of blocking or never ending."""
import errno
import os
import stat


class TooLarge(Exception):
    """The file is larger than the limit; `found` says by how much, as a message can print it."""

    def __init__(self, found: str, limit: int):
        super().__init__(f"file too large (found {found}; expected at most {limit:,} bytes)")
        self.found, self.limit = found, limit


def open_bounded(path, limit: int):
    """(binary file object, size in bytes) of the regular file at path. TooLarge when its size is
    over limit; OSError as the system gives it (strerror "not a regular file" for a FIFO or device)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the open itself
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size > limit:
            raise TooLarge(f"{st.st_size:,} bytes", limit)
        return os.fdopen(fd, "rb"), st.st_size
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path, limit: int) -> bytes:
    """The bytes of the regular file at path, at most limit of them: TooLarge beyond (also when
    the file grew after it was opened); OSError as open_bounded raises it."""
    fh, _ = open_bounded(path, limit)
    with fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"more than {limit:,} bytes", limit)
    return data
