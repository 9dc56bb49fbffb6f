#!/usr/bin/env python3
"""Write data/schemas/<Table>.json, one file per table, from the shared schema set.

Each input file holds one object, {"Table": {"Column": "kqltype", ...}}; the output keeps the
same shape, the same table name and the same column order, one column per line:

    {"DeviceProcessEvents": {
     "Timestamp": "datetime",
     ...
     "Type": "string"
    }}

Only <Table>.json files directly inside --src are read: the functions/ subfolder (ASIM parser
outputs, not tables), README.md and index.tsv are skipped. Files in --out that are not produced
by this run are left alone; pass --clean to delete stale *.json files there first.

Usage:
    python3 tools/gen_schemas.py                  # ../../shared/schemas -> ../data/schemas
    python3 tools/gen_schemas.py --src DIR --out DIR [--clean] [--quiet]

Python 3 standard library only. Exit status 1 if an input file is not one well-formed table.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "schemas"))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "data", "schemas"))

KQL_TYPES = {"string", "long", "int", "real", "bool", "datetime", "timespan", "guid",
             "dynamic", "decimal"}


class SchemaError(Exception):
    pass


def no_duplicates(pairs):
    """object_pairs_hook: keep key order, refuse a key given twice."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise SchemaError("duplicate key %r" % key)
        seen.add(key)
    return pairs


def read_table(path):
    """Return (table_name, [(column, type), ...]) from one schema file."""
    with open(path, encoding="utf-8") as fh:
        top = json.load(fh, object_pairs_hook=no_duplicates)
    if not isinstance(top, list) or len(top) != 1:
        raise SchemaError("expected one table object")
    name, cols = top[0]
    if not isinstance(cols, list) or not cols:
        raise SchemaError("table %r has no columns" % name)
    for col, typ in cols:
        if not isinstance(typ, str) or typ not in KQL_TYPES:
            raise SchemaError("column %r has type %r" % (col, typ))
    return name, cols


def render(name, cols):
    """Text of one output file: valid JSON, one column per line, trailing newline."""
    dump = lambda s: json.dumps(s, ensure_ascii=False)
    lines = ["{%s: {" % dump(name)]
    for i, (col, typ) in enumerate(cols):
        comma = "," if i + 1 < len(cols) else ""
        lines.append(" %s: %s%s" % (dump(col), dump(typ), comma))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=DEFAULT_SRC, help="input folder (default: %(default)s)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--clean", action="store_true",
                    help="first delete *.json files in --out that this run does not write")
    ap.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = ap.parse_args(argv)

    names = sorted(f for f in os.listdir(args.src)
                   if f.endswith(".json") and os.path.isfile(os.path.join(args.src, f)))
    if not names:
        print("gen_schemas: no *.json files in %s" % args.src, file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)

    errors = 0
    written = set()
    ncols = 0
    for fname in names:
        path = os.path.join(args.src, fname)
        try:
            table, cols = read_table(path)
            if table + ".json" != fname:
                raise SchemaError("table %r does not match its file name" % table)
        except (SchemaError, ValueError) as exc:
            print("gen_schemas: %s: %s" % (path, exc), file=sys.stderr)
            errors += 1
            continue
        text = render(table, cols)
        # Round trip: what we write must read back as the same table, in the same order.
        back = json.loads(text, object_pairs_hook=list)
        if back != [(table, list(cols))]:
            raise AssertionError("%s: output does not read back as its input" % fname)
        out_path = os.path.join(args.out, fname)
        with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        written.add(fname)
        ncols += len(cols)

    if args.clean:
        for f in os.listdir(args.out):
            if f.endswith(".json") and f not in written:
                os.remove(os.path.join(args.out, f))

    if not args.quiet:
        print("gen_schemas: %d tables, %d columns -> %s" % (len(written), ncols, args.out))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
