#!/usr/bin/env python3
"""make_mmdb.py OUT: write a tiny MaxMind DB (GeoLite2-City layout) for the tests of
geo_info_from_ip_address(), following the public "MaxMind DB File Format Specification"
(version 2.0): a binary search tree over IPv6 bits (IPv4 under ::/96) with 24-bit records,
16 zero bytes, the data section, then "\\xAB\\xCD\\xEFMaxMind.com" and the metadata map.

The networks and places are made up for the tests (the first two borrow the reference's
examples); Python 3's standard library only."""
import struct
import sys
import ipaddress

NETWORKS = [
    # network, record (None fields are left out of the record)
    ("20.53.203.0/24", {"country": "Australia", "state": "New South Wales", "city": "Sydney",
                        "lat": -33.8715, "lon": 151.2006}),
    ("2a03:2880:f12c::/48", {"country": "United States", "state": "Florida", "city": "Boca Raton",
                             "lat": 26.3594, "lon": -80.0771}),
    # a country-level entry: no subdivision, no city
    ("81.2.69.0/24", {"country": "United Kingdom", "lat": 51.4964, "lon": -0.1224}),
    # an entry with a city but no coordinates, a non-ASCII name and a second subdivision
    ("192.0.2.128/25", {"country": "Deutschland Test", "state": "Bayern", "state2": "Oberbayern",
                        "city": "München", "lat": None, "lon": None}),
]


def ctrl(type_, size):
    """A control byte (and extended type / size bytes) for 'type_' of 'size'."""
    out = bytearray()
    if size < 29:
        first, extra = size, b""
    elif size < 285:
        first, extra = 29, bytes([size - 29])
    elif size < 65821:
        first, extra = 30, struct.pack(">H", size - 285)
    else:
        first, extra = 31, struct.pack(">I", size - 65821)[1:]
    if type_ <= 7:
        out.append((type_ << 5) | first)
    else:
        out.append(first)
        out.append(type_ - 7)
    return bytes(out) + extra


class U:
    """An unsigned integer of a given MaxMind DB type: 5 uint16, 6 uint32, 9 uint64."""

    def __init__(self, type_, v):
        self.type, self.v = type_, v


def enc(v):
    """Encode a Python value as MaxMind DB data."""
    if isinstance(v, U):
        b = v.v.to_bytes((v.v.bit_length() + 7) // 8, "big")
        return ctrl(v.type, len(b)) + b
    if isinstance(v, str):
        b = v.encode("utf-8")
        return ctrl(2, len(b)) + b
    if isinstance(v, float):
        return ctrl(3, 8) + struct.pack(">d", v)
    if isinstance(v, bool):
        return ctrl(14, 1 if v else 0)
    if isinstance(v, int):
        if v < 0 or v >= 1 << 64:
            raise ValueError(v)
        b = v.to_bytes((v.bit_length() + 7) // 8, "big")
        if v < 1 << 16:
            return ctrl(5, len(b)) + b
        if v < 1 << 32:
            return ctrl(6, len(b)) + b
        return ctrl(9, len(b)) + b
    if isinstance(v, dict):
        out = ctrl(7, len(v))
        for k, x in v.items():
            out += enc(k) + enc(x)
        return out
    if isinstance(v, list):
        out = ctrl(11, len(v))
        for x in v:
            out += enc(x)
        return out
    raise TypeError(type(v))


def city_record(r):
    rec = {"country": {"iso_code": "XX", "names": {"en": r["country"], "de": r["country"]}}}
    subs = [r[k] for k in ("state", "state2") if r.get(k)]
    if subs:
        rec["subdivisions"] = [{"names": {"en": s}} for s in subs]
    if r.get("city"):
        rec["city"] = {"geoname_id": 1, "names": {"en": r["city"]}}
    if r.get("lat") is not None:
        rec["location"] = {"accuracy_radius": 100, "latitude": r["lat"], "longitude": r["lon"]}
    return rec


def main(out_path):
    data = bytearray()
    nodes = [[None, None]]  # each record: None (empty), ("n", index) or ("d", data offset)
    for net, r in NETWORKS:
        n = ipaddress.ip_network(net)
        if n.version == 4:
            bits, plen = int(n.network_address), 96 + n.prefixlen
        else:
            bits, plen = int(n.network_address), n.prefixlen
        off = len(data)
        data += enc(city_record(r))
        node = 0
        for depth in range(plen):
            bit = (bits >> (127 - depth)) & 1
            if depth == plen - 1:
                nodes[node][bit] = ("d", off)
                break
            rec = nodes[node][bit]
            if rec is None:
                nodes.append([None, None])
                nodes[node][bit] = ("n", len(nodes) - 1)
                rec = nodes[node][bit]
            if rec[0] != "n":
                raise ValueError("overlapping networks")
            node = rec[1]
    count = len(nodes)
    tree = bytearray()
    for left, right in nodes:
        for rec in (left, right):
            if rec is None:
                v = count
            elif rec[0] == "n":
                v = rec[1]
            else:
                v = count + 16 + rec[1]
            tree += v.to_bytes(3, "big")
    meta = {
        "node_count": U(6, count),
        "record_size": U(5, 24),
        "ip_version": U(5, 6),
        "database_type": "GeoLite2-City",
        "languages": ["en", "de"],
        "binary_format_major_version": U(5, 2),
        "binary_format_minor_version": U(5, 0),
        "build_epoch": U(9, 1700000000),
        "description": {"en": "kql test database (made-up places)"},
    }
    with open(out_path, "wb") as f:
        f.write(bytes(tree) + bytes(16) + bytes(data) + b"\xab\xcd\xefMaxMind.com" + enc(meta))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_mmdb.py OUT")
    main(sys.argv[1])
