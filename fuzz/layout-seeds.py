#!/usr/bin/env python3
"""Writes the seeds of the vsock, xdp and tipc fuzz targets.

The development kernel has none of vsock_diag, xsk_diag or tipc_diag, so
these seeds are not captures: each is a reply datagram built field by field
from the kernel's structs (linux/vm_sockets_diag.h, linux/xdp_diag.h,
linux/tipc_netlink.h) in the order net/vmw_vsock/diag.c, net/xdp/xsk_diag.c
and tipc_sk_fill_sock_diag() in net/tipc/socket.c write them, in this
host's byte order. The initramfs guest, whose kernel has the modules, is
where real ones get captured.

Usage: python3 fuzz/layout-seeds.py   (from the repository root)
"""
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
BY_FAMILY, DONE, MULTI, SEQ = 20, 3, 2, 123456
ANY = 0xFFFFFFFF


def message(msg_type, payload):
    head = struct.pack("=IHHII", 16 + len(payload), msg_type, MULTI, SEQ, 0)
    data = head + payload
    return data + bytes(-len(data) % 4)


def done():
    return message(DONE, struct.pack("=i", 0))


def attr(kind, payload=b""):
    data = struct.pack("=HH", 4 + len(payload), kind) + payload
    return data + bytes(-len(data) % 4)


def u32(v):
    return struct.pack("=I", v)


def vsock():
    # vsock_diag_msg: family, type, state, shutdown, src cid/port, dst
    # cid/port, ino, cookie[2].
    def msg(sock_type, state, shutdown, src, dst, ino, cookie):
        return message(BY_FAMILY, struct.pack("=BBBBIIIIIII", 40, sock_type, state,
                                              shutdown, *src, *dst, ino, *cookie))
    return (msg(1, 10, 0, (ANY, 1234), (ANY, ANY), 501, (1, 0))
            + msg(1, 1, 2, (1, 1234), (1, 5678), 502, (2, 0))
            + msg(5, 2, 0, (1, 4000), (2, 80), 503, (3, 1))
            + msg(2, 7, 0, (ANY, ANY), (ANY, ANY), 504, (4, 0))
            + done())


def xdp():
    # xdp_diag_msg: family, type, pad, ino, cookie[2]; then XDP_DIAG_*.
    head = lambda ino: struct.pack("=BBHIII", 44, 3, 0, ino, ino, 0)
    umem = struct.pack("=QIIIIIIII", 4 << 20, 3, 1024, 2048, 0, 2, 0, 1, 1)
    meminfo = struct.pack("=9I", 0, 212992, 768, 212992, 0, 0, 0, 0, 5)
    stats = struct.pack("=6Q", 11, 12, 13, 14, 15, 16)
    bound = (head(701) + attr(1, struct.pack("=II", 2, 0)) + attr(2, u32(1000))
             + attr(3, u32(2048)) + attr(4, u32(2048)) + attr(5, umem)
             + attr(6, u32(4096)) + attr(7, u32(4096)) + attr(8, meminfo)
             + attr(9, stats))
    return message(BY_FAMILY, bound) + message(BY_FAMILY, head(702)) + done()


def tipc():
    # One TIPC_NLA_SOCK (2) nest per socket; nests carry no NLA_F_NESTED.
    con = attr(3, attr(2, u32(0x01001002)) + attr(3, u32(42)) + attr(1)
               + attr(4, u32(1000)) + attr(5, u32(7)))
    stat = attr(5, attr(0, u32(3)) + attr(1, u32(1)) + attr(4, u32(9)) + attr(3))
    group = attr(12, attr(0, u32(4711)) + attr(4, u32(17)) + attr(5, u32(2))
                 + attr(3) + attr(1))
    connected = (attr(2, u32(0x9b2d)) + attr(1, u32(0x01001001)) + con
                 + attr(6, u32(5)) + attr(9, u32(1)) + attr(7, u32(801))
                 + attr(8, u32(1000)) + attr(11) + attr(10, struct.pack("=Q", 0x200000011))
                 + stat + group)
    rdm = (attr(2, u32(0x9b2e)) + attr(1, u32(0x01001001)) + attr(4)
           + attr(6, u32(4)) + attr(9, u32(7)) + attr(7, u32(802)) + attr(8, u32(0))
           + attr(10, struct.pack("=Q", 0x12)) + attr(5, attr(0, u32(0)) + attr(1, u32(0))
                                                    + attr(4, u32(0))))
    # The empty message is what the kernel sends for a socket the state
    # filter rejected.
    return (message(BY_FAMILY, attr(2, connected)) + message(BY_FAMILY, b"")
            + message(BY_FAMILY, attr(2, rdm)) + done())


def main():
    for target, data in (("vsock", vsock()), ("xdp", xdp()), ("tipc", tipc())):
        os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
        with open(os.path.join(CORPUS, target, "layout"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
