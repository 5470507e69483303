#!/usr/bin/env python3
"""Rebuilds the fuzz seed corpus from the running kernel (run as root).

Opens a few sockets of every kind, sends sock_diag requests the runner does
not send (every extension bit, every show flag, the netlink and packet
families, a family without a handler) and stores each reply datagram as a
seed: fuzz/corpus/{datagram,decode_into,roundtrip_record}/<name>-<n>. It
also writes one capture file per request (the format of codec/src/capture.rs)
to fuzz/corpus/capture/ and fuzz/corpus/conversation/, /proc/net table
samples to fuzz/corpus/procnet/ and fuzz/corpus/proc_{unix,packet,netlink}/,
request payloads to fuzz/corpus/roundtrip_request/, the attributes of TCP
and UDP records to fuzz/corpus/inet_details/, the summary's /proc files to
fuzz/corpus/sockstat/ and filter expressions to fuzz/corpus/expr_parse/.

Usage: python3 fuzz/capture-corpus.py   (from the repository root)
"""
import os
import socket
import struct
import tempfile

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
SOCK_DIAG, BY_FAMILY, TCPDIAG_GETSOCK = 4, 20, 18
DONE, ERROR = 3, 2
ALL_STATES = 0xFFFFFFFF
NO_COOKIE = struct.pack("=II", 0xFFFFFFFF, 0xFFFFFFFF)


def inet_req(family, proto, ext):
    # inet_diag_req_v2: family, protocol, ext, pad, states, sockid (48 bytes).
    sockid = bytes(4 + 32) + struct.pack("=I", 0) + NO_COOKIE
    return struct.pack("=BBBBI", family, proto, ext, 0, ALL_STATES) + sockid


def legacy_req(ext):
    # inet_diag_req (type 18): family (0: both), src_len, dst_len, ext,
    # sockid (48 bytes), states, dbs.
    sockid = bytes(4 + 32) + struct.pack("=I", 0) + NO_COOKIE
    return struct.pack("=BBBB", 0, 0, 0, ext) + sockid + struct.pack("=II", ALL_STATES, 0)


def unix_req(show):
    # unix_diag_req: family, protocol, pad, states, ino, show, cookie.
    return struct.pack("=BBHIII", 1, 0, 0, ALL_STATES, 0, show) + NO_COOKIE


def family_req(family, protocol, show):
    # netlink_diag_req / packet_diag_req: family, protocol, pad, ino, show, cookie.
    return struct.pack("=BBHII", family, protocol, 0, 0, show) + NO_COOKIE


REQUESTS = [
    ("tcp4-ext-ff", inet_req(socket.AF_INET, 6, 0xFF)),
    # The legacy TCP request: both families in one walk, replies of type 18.
    ("tcp-both-ext-ff", legacy_req(0xFF)),
    ("tcp6-ext-ff", inet_req(socket.AF_INET6, 6, 0xFF)),
    ("udp4-ext-ff", inet_req(socket.AF_INET, 17, 0xFF)),
    ("udp6-ext-ff", inet_req(socket.AF_INET6, 17, 0xFF)),
    # Without raw_diag the kernel answers DONE carrying -ENOENT.
    ("raw4", inet_req(socket.AF_INET, 255, 0xFF)),
    ("unix-all-show", unix_req(0x7F)),
    ("netlink-all-show", family_req(16, 255, 0xF)),
    ("packet-all-show", family_req(17, 0, 0x3F)),
    # No sock_diag handler for AF_AX25: NLMSG_ERROR carrying -ENOENT.
    ("error-family3", inet_req(3, 6, 0)),
]


def message(name, payload, seq):
    kind = TCPDIAG_GETSOCK if name.startswith("tcp-both") else BY_FAMILY
    return struct.pack("=IHHII", 16 + len(payload), kind, 0x301, seq, 0) + payload


def ends(datagram):
    off = 0
    while off + 16 <= len(datagram):
        length, kind = struct.unpack_from("=IH", datagram, off)
        if kind in (DONE, ERROR):
            return True
        if length < 16:
            return True
        off += (length + 3) & ~3
    return False


def dump(sock, request, seq):
    sock.send(request)
    out = []
    while True:
        d = sock.recv(65536)
        out.append(d)
        if ends(d):
            return out


def capture_file(records):
    out = b"SDIAGCAP" + struct.pack("=IHH", 0x01020304, 1, 0)
    for kind, data in records:
        out += struct.pack("=HHI", kind, 0, len(data)) + data
    return out


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def inet_details_seeds(name, datagram):
    """The attributes of each inet message, behind the selector byte the
    inet_details target reads (bit 0: IPv6, the rest: the state)."""
    off, i = 0, 0
    while off + 16 <= len(datagram) and i < 3:
        length, kind = struct.unpack_from("=IH", datagram, off)
        if length < 16 or off + length > len(datagram):
            break
        payload = datagram[off + 16 : off + length]
        if kind == 20 and len(payload) >= 72:
            family, state = payload[0], payload[1]
            sel = (state << 1) | (1 if family == socket.AF_INET6 else 0)
            write("inet_details", f"{name}-{i}", bytes([sel & 0xFF]) + payload[72:])
            i += 1
        off += (length + 3) & ~3


# Filter expressions in ss's vocabulary, one per seed of expr_parse.
EXPRESSIONS = [
    "sport = :8081",
    "( dport = :443 or sport = :443 )",
    "dst 127.0.0.1/8 and not sport < :1024",
    "src [::1]:22 || dst [::ffff:127.0.0.1]",
    "autobound",
    "fwmark = 0x10/0xff",
    "dev = 1 and cgroup = 1",
    "sport >= :1000 sport le :2000 ! dport eq :*",
    "src *:80 or dst *",
    "src /run/* or src @abstract",
]


def sockets(tmp):
    """Something to list in every table; kept open while dumping."""
    keep = []
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        l = socket.socket(fam, socket.SOCK_STREAM)
        l.bind((addr, 0))
        l.listen(4)
        c = socket.create_connection(l.getsockname()[:2])
        a, _ = l.accept()
        pending = socket.create_connection(l.getsockname()[:2])
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((addr, 0))
        u.connect(l.getsockname()[:2])
        keep += [l, c, a, pending, u]
    keep.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
    keep.append(socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)))
    path = os.path.join(tmp, "seed.sock")
    ul = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ul.bind(path)
    ul.listen(4)
    keep += [ul, socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)]
    keep[-1].connect(path)  # pending: fills UNIX_DIAG_ICONS
    ua = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ua.bind(b"\0sockdiag-seed\x01\"")
    ua.listen(1)
    keep += [ua, *socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)]
    return keep


def main():
    with tempfile.TemporaryDirectory() as tmp:
        keep = sockets(tmp)
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, SOCK_DIAG)
        sock.bind((0, 0))
        for seq, (name, payload) in enumerate(REQUESTS, 1):
            request = message(name, payload, seq)
            replies = dump(sock, request, seq)
            # Two datagrams at most: a seed is for its shapes, not its bulk.
            replies = replies[:2]
            for n, d in enumerate(replies):
                for target in ("datagram", "decode_into", "roundtrip_record"):
                    write(target, f"{name}-{n}", d)
            cap = capture_file([(1, request)] + [(2, d) for d in replies])
            for target in ("capture", "conversation"):
                write(target, f"{name}.cap", cap)
            write("roundtrip_request", name, payload)
            if name.startswith(("tcp", "udp")):
                for n, d in enumerate(replies):
                    inet_details_seeds(f"{name}-{n}", d)
        for table in ("raw", "raw6", "tcp", "udp6", "unix"):
            with open(f"/proc/net/{table}", "rb") as f:
                lines = f.read().splitlines(keepends=True)[:8]
            write("procnet", table, b"".join(lines))
            if table in ("raw", "raw6"):
                kind = 3 if table == "raw" else 4
                write("capture", f"proc-{table}.cap", capture_file([(kind, b"".join(lines))]))
        for table in ("unix", "packet", "netlink"):
            with open(f"/proc/net/{table}", "rb") as f:
                write(f"proc_{table}", "host", b"".join(f.read().splitlines(keepends=True)[:8]))
        summary = b""
        for table in ("sockstat", "sockstat6", "snmp"):
            with open(f"/proc/net/{table}", "rb") as f:
                summary += f.read()
        write("sockstat", "proc", summary)
        for n, e in enumerate(EXPRESSIONS):
            write("expr_parse", f"expr-{n}", e.encode())
        del keep


if __name__ == "__main__":
    main()
