#!/usr/bin/env python3
"""Seeds from a capture made in the x86-64 initramfs guest, whose kernel has
the diag modules this development kernel lacks (vsock_diag, xsk_diag,
tipc_diag): each reply datagram to a vsock, XDP or TIPC dump becomes a seed
of that family's target (fuzz/corpus/{vsock,xdp,tipc}/guest-6.12-<n>), and
the whole file a seed of capture and conversation.

The guest test leaves the capture in target/initramfs-captures/ when it
passes (cargo test -p sockdiag-tests --test initramfs x86_64_guest).

Usage: python3 fuzz/guest-seeds.py target/initramfs-captures/amd64-vsock-xdp-tipc-raw.cap
"""
import os
import struct
import sys

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
TARGETS = {30: "tipc", 40: "vsock", 44: "xdp"}
REQUEST, DATAGRAM = 1, 2
HEADER = 16  # magic, byte-order mark, version (codec/src/capture.rs)


def main(path):
    data = open(path, "rb").read()
    assert data[:8] == b"SDIAGCAP", "not a capture"
    assert struct.unpack("=I", data[8:12])[0] == 0x01020304, "not this host's byte order"
    at, family, counts = HEADER, None, {}
    while at < len(data):
        kind, _, length = struct.unpack_from("=HHI", data, at)
        body = data[at + 8 : at + 8 + length]
        at += 8 + length
        if kind == REQUEST:
            family = body[16]
        elif kind == DATAGRAM and family in TARGETS:
            target = TARGETS[family]
            n = counts.get(target, 0)
            counts[target] = n + 1
            write(target, f"guest-6.12-{n}", body)
    for target in ("capture", "conversation"):
        write(target, "guest-6.12-tables", data)


def write(target, name, body):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(body)
    print(f"{target}/{name}: {len(body)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
