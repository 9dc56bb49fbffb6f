#!/usr/bin/env python3
"""corpus_agree.py: compare 'kql check' verdicts on a folder of rules with Kusto's own parser.

usage: corpus_agree.py KQL CORPUS_DIR   (CORPUS_DIR: ../shared/corpus, with rules/ and
       kusto_language.jsonl; a rule rules/S/NAME.yaml is the query queries/S/NAME.kql there)

Runs 'kql check CORPUS_DIR/rules --format json' once, pairs each rule with Kusto's verdict
(Kusto.Language with the Sentinel schemas: "ok" true or false), and prints the agreement
matrix and, by kql's first error message, why kql refuses what Kusto accepts.  A rule file
that is not YAML at all (PyYAML refuses it too, e.g. a list item's key at the wrong indent) is
counted apart: Kusto's parser was given only its query.  It does not fail on disagreement
(kql has operators it does not support yet): it reports.
"""
import collections
import json
import os
import re
import subprocess
import sys

kql, corpus = sys.argv[1], sys.argv[2]
kusto = {}
with open(os.path.join(corpus, "kusto_language.jsonl")) as f:
    for line in f:
        d = json.loads(line)
        kusto[d["query"]] = d
try:
    import yaml  # PyYAML, when there: tells a broken rule file from a query kql refuses
except ImportError:
    yaml = None


def not_yaml(path):
    if yaml is None:
        return False
    try:
        with open(path, encoding="utf-8") as f:
            yaml.safe_load(f)
        return False
    except Exception:
        return True


p = subprocess.run([kql, "check", os.path.join(corpus, "rules"), "--format", "json"],
                   capture_output=True, text=True)
print(p.stderr.strip().splitlines()[-1])
matrix = collections.Counter()
why = collections.Counter()
kusto_only_bad = []
for line in p.stdout.splitlines():
    d = json.loads(line)
    rel = os.path.relpath(d["file"], corpus)  # rules/S/NAME.yaml
    parts = rel.split(os.sep)
    q = "queries/%s/%s.kql" % (parts[1], os.path.splitext(parts[-1])[0])
    k = kusto.get(q)
    if k is None:
        matrix["no Kusto verdict"] += 1
        continue
    errs = [x for x in d["diagnostics"] if x["severity"] == "error"]
    kok, ok = k["ok"], not errs
    if not_yaml(d["file"]):  # Kusto's parser saw only the query; the file itself is broken
        matrix["rule file is not YAML (PyYAML refuses it too), kql " + ("ok" if ok else "error")] += 1
        continue
    matrix[("Kusto ok" if kok else "Kusto error") + ", " + ("kql ok" if ok else "kql error")] += 1
    if kok and not ok:
        why[re.sub(r"'[^']*'", "X", errs[0]["message"])] += 1
    if ok and not kok:
        kusto_only_bad.append((q, k["error"]["message"]))
for k, v in sorted(matrix.items(), key=lambda x: str(x[0])):
    print("%5d  %s" % (v, k))
agree = matrix["Kusto ok, kql ok"] + matrix["Kusto error, kql error"]
total = sum(v for k, v in matrix.items() if k != "no Kusto verdict" and not k.startswith("rule file"))
print("agreement: %d of %d (%.1f%%)" % (agree, total, 100.0 * agree / max(total, 1)))
print("kql refuses what Kusto accepts, by kql's message:")
for m, n in why.most_common(15):
    print("%5d  %s" % (n, m))
print("kql accepts what Kusto refuses:")
for q, m in kusto_only_bad[:15]:
    print("       %s: %s" % (q, m))
