#!/usr/bin/env python3
"""Generate named_child_tables.c for the named-child detector (identifiers.md §9.3).

    gen_named_child_tables.py GIVEN_NAMES STOP_NAMES OUT

Run by make at build time (policy/detect/detect.am) from
  data/uk-given-names.tsv   the given-name lexicon (name, count, sex), ONS and
                            NISRA, Open Government Licence v3.0 (data/README.md)
  data/stop-names.tsv       the stop-list: common English words the lexicon
                            also holds (word, list, note)

What it writes
  * The lexicon as a perfect hash: every name folded the way the reference
    folds it (NFD, combining marks dropped, lower case) is a key; a 64-bit
    hash (ss_nc_lex_hash, the same function in C and here) picks one of 4096
    buckets from its top 12 bits, and the slot is (low 15 bits XOR the
    bucket's displacement): one probe, one compare, for every lookup.
    Slots carry the stop-list flags (ref / extra) so a lookup says at once
    whether the word is a given name.
  * The stop-list itself (every word, with its flags), for the surname
    rule "a stop word ends the surname".
  * Unicode character classes with Python's re semantics (the reference's
    regexes run on str): letter ([^\\W\\d_]), word (\\w), upper, lower,
    title, space, decimal; as a two-stage table over all of Unicode.
  * Accent folding to ASCII (for lexicon keys) and simple lower-case
    mapping (for the keyed-hash name) of non-ASCII code points.

Run with the same Python the reference runs with (its unicodedata version
decides the classes).  Deterministic: same inputs, same output.
"""
import pathlib
import sys
import unicodedata

if len(sys.argv) != 4:
    sys.exit("usage: gen_named_child_tables.py GIVEN_NAMES STOP_NAMES OUT")
LEXICON = pathlib.Path(sys.argv[1])
STOPLIST = pathlib.Path(sys.argv[2])
OUT = pathlib.Path(sys.argv[3])

M64 = (1 << 64) - 1
NBUCKET_BITS = 12
NSLOT_BITS = 15
NSLOT = 1 << NSLOT_BITS


def fold_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def load64le(b, i):
    return int.from_bytes(b[i:i + 8].ljust(8, b"\0"), "little")


def lex_hash(key: bytes, seed: int) -> int:
    """Must match ss_nc_lex_hash() in named_child.c."""
    h = (0x243F6A8885A308D3 ^ seed ^ len(key)) & M64
    for i in range(0, len(key), 8):
        h = ((h ^ load64le(key, i)) * 0x9E3779B97F4A7C15) & M64
        h ^= h >> 29
    h = (h * 0xBF58476D1CE4E5B9) & M64
    h ^= h >> 32
    return h


BLOOM_BITS = 1 << 17


def bloom_bits(h):
    """Must match ss_nc_lex_bloom_has() in named_child.c."""
    return ((h >> 8) & (BLOOM_BITS - 1), (h >> 25) & (BLOOM_BITS - 1))


def read_lexicon():
    names = []
    seen = set()
    with open(LEXICON, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            key = fold_accents(line.split("\t")[0]).lower()
            if key not in seen:
                seen.add(key)
                names.append(key)
    return names


def read_stoplist():
    """word<TAB>list<TAB>note; list is 'ref' (named_child_reference.py's
    STOP_LIST) or 'extra' (added for the shipped detector)."""
    out = []
    with open(STOPLIST, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2 or parts[1] not in ("ref", "extra"):
                sys.exit(f"{STOPLIST}:{n}: want word<TAB>ref|extra<TAB>note")
            w = parts[0]
            if w != w.title() or not w.isascii() or not w.isalpha():
                sys.exit(f"{STOPLIST}:{n}: {w!r}: stop words are ASCII letters in Title case")
            out.append((w, parts[1]))
    words = [w for w, _ in out]
    if len(set(words)) != len(words):
        sys.exit(f"{STOPLIST}: duplicate word")
    return out


def perfect_hash(keys):
    for seed in range(1, 10000):
        hs = [lex_hash(k, seed) for k in keys]
        buckets = {}
        ok = True
        for i, h in enumerate(hs):
            b = h >> (64 - NBUCKET_BITS)
            lo = h & (NSLOT - 1)
            lst = buckets.setdefault(b, [])
            if any((hs[j] & (NSLOT - 1)) == lo for j in lst):
                ok = False
                break
            lst.append(i)
        if not ok:
            continue
        used = [False] * NSLOT
        slot_of = [None] * len(keys)
        disp = [0] * (1 << NBUCKET_BITS)
        for b, lst in sorted(buckets.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            for d in range(NSLOT):
                slots = [((hs[i] ^ d) & (NSLOT - 1)) for i in lst]
                if all(not used[s] for s in slots):
                    for i, s in zip(lst, slots):
                        used[s] = True
                        slot_of[i] = s
                    disp[b] = d
                    break
            else:
                ok = False
                break
        if ok:
            return seed, disp, slot_of
    sys.exit("no perfect hash found")


def unicode_tables():
    """Flags per code point, Python str semantics."""
    LETTER, WORD, UPPER, LOWER, TITLE, SPACE, DECIMAL, ALNUM = 1, 2, 4, 8, 16, 32, 64, 128
    flags = bytearray(0x110000)
    for cp in range(0x110000):
        c = chr(cp)
        f = 0
        alnum = c.isalnum()
        if alnum:
            f |= ALNUM | WORD
        if c == "_":
            f |= WORD
        if c.isdecimal():
            f |= DECIMAL
        if alnum and not c.isdecimal():
            f |= LETTER          # [^\W\d_]
        if c.isupper():
            f |= UPPER
        if c.islower():
            f |= LOWER
        if unicodedata.category(c) == "Lt":
            f |= TITLE
        if c.isspace():
            f |= SPACE
        flags[cp] = f
    blocks = {}
    stage1 = []
    stage2 = []
    for b in range(0x110000 // 256):
        blk = bytes(flags[b * 256:(b + 1) * 256])
        if blk not in blocks:
            blocks[blk] = len(stage2)
            stage2.append(blk)
        stage1.append(blocks[blk])
    fold = []
    lower = []
    for cp in range(0x80, 0x110000):
        c = chr(cp)
        fa = fold_accents(c).lower()
        if fa != c and fa and len(fa) <= 3 and all(ch in "abcdefghijklmnopqrstuvwxyz'-" for ch in fa):
            fold.append((cp, fa))
        lo = c.lower()
        if len(lo) == 1 and lo != c:
            lower.append((cp, ord(lo)))
    return stage1, stage2, fold, lower


def c_str(b: bytes):
    out = []
    for ch in b:
        if ch in (0x22, 0x5C):
            out.append("\\" + chr(ch))
        elif 32 <= ch < 127:
            out.append(chr(ch))
        else:
            out.append("\\%03o" % ch)
    return "".join(out)


def main():
    names = read_lexicon()
    stop = read_stoplist()
    stop_flag = {}
    for w, lst in stop:
        stop_flag[w.lower()] = stop_flag.get(w.lower(), 0) | (1 if lst == "ref" else 2)
    keys = [n.encode("ascii") for n in names]
    seed, disp, slot_of = perfect_hash(keys)
    pool = bytearray()
    slots = [0] * NSLOT
    for k, s in zip(keys, slot_of):
        off = len(pool)
        pool += k
        assert off < (1 << 20) and 0 < len(k) < 32
        slots[s] = off | (len(k) << 20) | (stop_flag.get(k.decode(), 0) << 25)
    stage1, stage2, fold, lower = unicode_tables()
    # Bloom filter over the same hash: most capitalised words are not names,
    # and this 16 KiB table answers them without touching the slot table
    bloom = [0] * (BLOOM_BITS // 64)
    for k in keys:
        h = lex_hash(k, seed)
        for b in bloom_bits(h):
            bloom[b >> 6] |= 1 << (b & 63)

    o = []
    w = o.append
    w("/* Generated by policy/detect/gen_named_child_tables.py from data/uk-given-names.tsv and data/stop-names.tsv.")
    w(" * Do not edit: make regenerates it.  Contains public sector information")
    w(" * licensed under the Open Government Licence v3.0 (ONS, NISRA baby names). */")
    w('#include "detect/named_child_tables.h"')
    w("")
    w(f"const uint64_t ss_nc_lex_seed = {seed}u;")
    w(f"const size_t ss_nc_lex_count = {len(keys)};")
    w("")
    w("/* the keys end to end, then 8 NUL bytes so a look-up may compare 8 bytes at a time */")
    w("const char ss_nc_lex_pool[] =")
    for i in range(0, len(pool), 64):
        w('    "' + c_str(bytes(pool[i:i + 64])) + '"')
    w('    "\\0\\0\\0\\0\\0\\0\\0";')
    w("")
    w(f"const uint16_t ss_nc_lex_disp[{1 << NBUCKET_BITS}] = {{")
    for i in range(0, len(disp), 16):
        w("    " + ", ".join(str(x) for x in disp[i:i + 16]) + ",")
    w("};")
    w("")
    w(f"const uint32_t ss_nc_lex_slot[{NSLOT}] = {{")
    for i in range(0, NSLOT, 8):
        w("    " + ", ".join("0x%08x" % x for x in slots[i:i + 8]) + ",")
    w("};")
    w("")
    w(f"const uint64_t ss_nc_lex_bloom[{len(bloom)}] = {{")
    for i in range(0, len(bloom), 4):
        w("    " + ", ".join("0x%016xu" % x for x in bloom[i:i + 4]) + ",")
    w("};")
    w("")
    w("const ss_nc_stop_word ss_nc_stop_words[] = {")
    for word, lst in stop:
        w(f'    {{ "{word}", {1 if lst == "ref" else 2} }},')
    w("};")
    w(f"const size_t ss_nc_stop_nwords = {len(stop)};")
    w("")
    w(f"const uint16_t ss_nc_uc_stage1[{len(stage1)}] = {{")
    for i in range(0, len(stage1), 16):
        w("    " + ", ".join(str(x) for x in stage1[i:i + 16]) + ",")
    w("};")
    w(f"const uint8_t ss_nc_uc_stage2[{len(stage2)}][256] = {{")
    for blk in stage2:
        w("    {")
        for i in range(0, 256, 32):
            w("        " + ", ".join(str(x) for x in blk[i:i + 32]) + ",")
        w("    },")
    w("};")
    w("")
    w(f"const ss_nc_uc_fold ss_nc_uc_folds[{len(fold)}] = {{")
    for cp, f in fold:
        w(f'    {{ 0x{cp:x}, "{f}" }},')
    w("};")
    w(f"const size_t ss_nc_uc_nfolds = {len(fold)};")
    w("")
    w(f"const ss_nc_uc_lower ss_nc_uc_lowers[{len(lower)}] = {{")
    for i in range(0, len(lower), 6):
        w("    " + " ".join(f"{{ 0x{a:x}, 0x{b:x} }}," for a, b in lower[i:i + 6]))
    w("};")
    w(f"const size_t ss_nc_uc_nlowers = {len(lower)};")
    OUT.write_text("\n".join(o) + "\n", encoding="ascii")
    print(f"{OUT.name}: {len(keys)} names, seed {seed}, {len(stop)} stop words, "
          f"{len(stage2)} unicode blocks, {len(fold)} folds, {len(lower)} lowers", file=sys.stderr)


if __name__ == "__main__":
    main()
