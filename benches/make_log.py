#!/usr/bin/env python3
"""Write a valid docket audit log of N entries (for the chain-check benchmark).

Each line is `HASH PREV JSON SIG`, HASH = SHA-256 of `PREV JSON SIG`, as docket writes
it; the entries look like docket's own `import` entries (about 330 bytes each). SIG is
`-` on every line: `verify --chain`, which this log is for, checks hashes and links only
(one import is one transaction, signed once, and signatures are the full check's job).

    python3 make_log.py 1000000 OUT/audit.log
"""
import hashlib
import json
import sys

n, out = int(sys.argv[1]), sys.argv[2]
prev = "0" * 64
with open(out, "w", encoding="utf-8") as fh:
    for seq in range(1, n + 1):
        if seq == 1:
            body = {"seq": 1, "time": "2026-03-01T09:00:00Z", "actor": "root", "role": "admin",
                    "action": "genesis", "detail": {"store": "benchmark"}}
        else:
            rid = f"CUS-2026-{seq:07d}"
            body = {"seq": seq, "time": "2026-03-01T09:00:00Z", "actor": "alice",
                    "role": "business-staff", "action": "import", "record": rid, "version": 1,
                    "files": [{"path": f"records/customer/{rid}/v0001.toml",
                               "sha256": hashlib.sha256(rid.encode()).hexdigest()}],
                    "detail": {"fingerprint": hashlib.md5(rid.encode()).hexdigest(),
                               "legacy_no": f"C{seq:07d}", "source": f"customer.csv:{seq}",
                               "status": "active"}}
        covered = prev + " " + json.dumps(body, ensure_ascii=False, separators=(",", ":")) + " -"
        h = hashlib.sha256(covered.encode()).hexdigest()
        fh.write(h + " " + covered + "\n")
        prev = h
