#!/usr/bin/env python3
"""Make generated customers' identity numbers ones docket accepts, in place.

The benchmark data generator gives credit codes random division codes (characters 3-8)
and, now and then, a resident id whose first six digits name no province. docket refuses
both (GB/T 2260), and one customer per identity number, so an all-or-nothing import of
the raw file fails. This rewrites such numbers to a real province's code with a correct
check character, and renumbers repeats, leaving every other column as it was.

    python3 benches/plausible_ids.py DIR/customer.csv
"""
import csv
import sys

PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
             "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
             "61", "62", "63", "64", "65"]
RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def ric(first17):
    s = sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS))
    return first17 + "10X98765432"[s % 11]


def uscc(first17):
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_ALPHABET[(31 - s % 31) % 31]


def division(n, i):
    """A division code in a real province, not the province itself (`xx0000`)."""
    code = n[:6]
    if code[:2] in PROVINCES and code[2:] != "0000" and code.isdigit():
        return code
    return PROVINCES[i % len(PROVINCES)] + "0102"


def plausible(kind, n, i, seen):
    body = n[:17]
    if kind == "resident-id":
        body = division(body, i) + body[6:]
    elif kind == "uscc":
        body = body[:2] + division(body[2:8], i) + body[8:]
    else:
        return n
    fix = ric if kind == "resident-id" else uscc
    out = fix(body)
    bump = 0
    while out in seen:  # one customer, one number: renumber a repeat
        bump += 1
        tail = f"{(int(body[14:17]) + bump) % 1000:03d}" if kind == "resident-id" else \
            f"{(int(body[13:17], 36) + bump) % 10000:04d}"
        out = fix(body[:14] + tail if kind == "resident-id" else body[:13] + tail)
    seen.add(out)
    return out


def main():
    path = sys.argv[1]
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    kind_at, number_at = header.index("id_kind"), header.index("id_number")
    seen = set()
    for i, row in enumerate(body):
        row[number_at] = plausible(row[kind_at], row[number_at], i, seen)
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + body)


if __name__ == "__main__":
    main()
