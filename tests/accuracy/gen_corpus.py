#!/usr/bin/env python3
"""Write the labelled accuracy corpus for safeshare (issue 3).

    gen_corpus.py OUTDIR

Writes OUTDIR/*.eml and OUTDIR/labels.tsv (file, expected, type, location,
note).  Standard library only; the same seed gives the same bytes, so a
report can be compared run to run.  The corpus is generated at test time
and never committed.

Positives: every identifier type (nhs, chi, hcn, upn, uln, nino, dob_child)
in every location class, twice (two formats / two kinds of context), each
with what spec section 10 says makes it "identify a child": a keyword of its
type in the same segment, often with safeguarding context too.  NHS numbers
come only from the 999 test range; the rest are synthetic.

Negatives: look-alikes that must pass (Ofcom drama telephone numbers,
invoice numbers, ISBNs, IBANs, tracking and card numbers, adults' and
unlabelled dates, newsletters, OFFICIAL-SENSITIVE mail, long digit runs
holding a valid NHS number, bad checksums, repdigits), in every location.

Named children (issue 13, spec section 9.3): positives name a child with an
age, school year, role or form label and carry safeguarding context or a
marking, in the subject, body, HTML, DOCX, PDF, XLSX table, a forwarded
message and an attachment's file name; negatives name adults or no one
(school newsletters whose footer names the DSL, staff announcements with
ages, training invitations, anonymised case studies, book lists,
customer-service signatures, letters to a whole class).

Every message goes from a secure sender to an insecure recipient, so the
engine's verdict is the measurement.  When the spec's reference script
(identifier_vectors.py, found through $SS_SPECDIR or ../shared/spec beside
the source tree) is present, every snippet is checked against it: a
positive must hold its type and a negative must hold no identifier at all.
"""

import base64
import datetime as dt
import io
import os
import pathlib
import random
import sys
import textwrap
import zipfile
import zlib

SEED = 20250901
REF_DATE = dt.date(2025, 9, 1)
ID_TYPES = ["nhs", "chi", "hcn", "upn", "uln", "nino", "dob_child"]
LOCATIONS = ["subject", "body-plain", "body-qp", "body-b64", "html", "txt-1252",
             "txt-utf16", "csv", "docx", "xlsx", "odt", "ods", "pdf", "rtf", "zip",
             "forwarded", "eml-attachment"]
NEG_KINDS = ["phone", "phone-intl", "invoice", "isbn", "iban", "tracking", "card",
             "adult-dob", "date-nolabel", "newsletter", "official-sensitive",
             "long-run", "nhs-badcheck", "repdigit"]
TABLE_LOCATIONS = ("csv", "xlsx", "ods")
VARIANTS = 2
ZIP_TIME = (2025, 9, 1, 9, 0, 0)

# ---------------------------------------------------------------------------
# Checksums (the few rules of spec sections 1-6 the generator needs to make
# valid values and to keep look-alikes invalid; the full reference lives in
# shared/spec/identifier_vectors.py and checks the result when present).


def mod11_check(d9):
    total = sum(int(c) * w for c, w in zip(d9, range(10, 1, -1)))
    check = 11 - total % 11
    return 0 if check == 11 else (None if check == 10 else check)


def mod11_ok(d10):
    c = mod11_check(d10[:9])
    return c is not None and c == int(d10[9])


def luhn_ok(d):
    total = 0
    for i, ch in enumerate(reversed(d)):
        v = int(ch) * (2 if i % 2 else 1)
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def uln_ok(d10):
    return d10[0] != "0" and sum(int(c) * w for c, w in zip(d10, range(10, 0, -1))) % 11 == 10


def date_ok(d6):
    for century in (1900, 2000):
        try:
            dt.date(century + int(d6[4:6]), int(d6[2:4]), int(d6[0:2]))
            return True
        except ValueError:
            pass
    return False


def ten_valid(d10):
    """True when ten digits would pass any 10-digit identifier rule in any form."""
    if len(set(d10)) == 1:
        return False
    p = int(d10[:3])
    nhs_range = 400 <= p <= 499 or 600 <= p <= 799 or p >= 900
    if mod11_ok(d10) and (nhs_range or 320000001 <= int(d10[:9]) <= 399999999):
        return True
    if uln_ok(d10):
        return True
    return date_ok(d10[:6]) and int(d10[:2]) <= 31 and (mod11_ok(d10) or luhn_ok(d10))


UPN_ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LAS = [201, 304, 358, 660, 681, 800, 838, 873, 919, 936, 420, 330, 702, 886, 850]


def upn_letter(body12):
    total = sum(w * (int(c) if c.isdigit() else UPN_ALPHA.index(c))
                for w, c in zip(range(2, 14), body12))
    return UPN_ALPHA[total % 23]


# ---------------------------------------------------------------------------
# Value makers


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def fmt334(d, sep=" "):
    return d[:3] + sep + d[3:6] + sep + d[6:]


def make_nhs(rng):
    while True:
        stem = "999" + digits(rng, 6)
        c = mod11_check(stem)
        if c is not None and len(set(stem + str(c))) > 1:
            return stem + str(c)


def child_dob(rng, lo=2009, hi=2022):
    while True:
        d = dt.date(rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))
        age = REF_DATE.year - d.year - ((REF_DATE.month, REF_DATE.day) < (d.month, d.day))
        if 1 <= age <= 16:
            return d


def make_chi(rng, luhn_only):
    while True:
        d9 = child_dob(rng).strftime("%d%m%y") + digits(rng, 3)
        for c in "0123456789":
            d = d9 + c
            ok = (luhn_ok(d) and not mod11_ok(d)) if luhn_only else mod11_ok(d)
            if ok and len(set(d)) > 1:
                return d


def make_hcn(rng):
    while True:
        stem = str(rng.randint(320000001, 399999999))
        c = mod11_check(stem)
        if c is not None:
            return stem + str(c)


def make_uln(rng):
    while True:
        stem = str(rng.randint(100000000, 999999999))
        r = sum(int(c) * w for c, w in zip(stem, range(10, 1, -1))) % 11
        if r:
            d = stem + str(10 - r)
            if not (mod11_ok(d) or (date_ok(d[:6]) and int(d[:2]) <= 31)):
                return d


def make_upn(rng, temporary):
    la = rng.choice(UPN_LAS)
    tail = digits(rng, 2) + rng.choice(UPN_ALPHA) if temporary else digits(rng, 3)
    body = "%03d%04d%02d%s" % (la, rng.randint(1000, 7999), rng.randint(10, 25), tail)
    return upn_letter(body) + body


def make_nino(rng, spaced):
    first, second = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    while True:
        p = rng.choice(first) + rng.choice(second)
        if p not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "OO", "CR", "FY", "MW", "NC"}:
            break
    d = digits(rng, 6)
    s = rng.choice("ABCD")
    return "%s %s %s %s %s" % (p, d[:2], d[2:4], d[4:], s) if spaced else p + d + s


def invalid_ten(rng, first=None):
    """Ten digits that pass no identifier rule: what a naive regex still catches."""
    while True:
        d = (first or str(rng.randint(1, 9))) + digits(rng, 10 - len(first or "x"))
        if not ten_valid(d):
            return d


# ---------------------------------------------------------------------------
# Snippets: the words of one message.  `text` and `subject` hold {ID} where
# the identifier (or the main look-alike) goes; `table` is (sheet, headers,
# rows) for CSV and spreadsheets.

FIRST = ["Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arlo", "Freya", "Theo",
         "Ivy", "Jack", "Poppy", "Alfie", "Evie", "Kai", "Rosie", "Zain", "Lily", "Finn"]
LAST = ["Okafor", "Hughes", "Patel", "Murray", "Kowalski", "Evans", "Begum", "Walsh",
        "Ahmed", "Campbell", "Doherty", "Nowak", "Reid", "Singh", "Morgan", "Byrne"]


def name(rng):
    return rng.choice(FIRST) + " " + rng.choice(LAST)


class Snip:
    def __init__(self, ident, text, subject, table, note, id_in_table=None, table_note=None):
        self.ident = ident            # the identifier / look-alike as written
        self.text = text              # prose with {ID}
        self.subject = subject        # one line with {ID}
        self.table = table            # (sheet, headers, [row, ...]) with {ID}
        self.note = note
        self.table_ident = id_in_table or ident
        self.table_note = table_note or note.split(",")[0]

    def note_for(self, loc):
        """The prose note, or for a table what the table actually holds."""
        if loc not in TABLE_LOCATIONS:
            return self.note
        _, headers, rows = self.table
        col = next(i for i, c in enumerate(rows[0]) if "{ID}" in c)
        return "%s, in a '%s' column" % (self.table_note, headers[col])

    def fill(self, s, ident=None):
        return s.replace("{ID}", self.ident if ident is None else ident)


def pos_snippet(rng, typ, k):
    who = name(rng)
    year = "Year %d" % rng.randint(1, 11)
    if typ == "nhs":
        d = make_nhs(rng)
        ident = fmt334(d) if k == 0 else d
        if k == 0:
            text = ("Hello,\n\nAs promised, the health details for %s (%s).\n"
                    "Child's NHS number: {ID}\n"
                    "The school nurse will follow up on Friday.\n" % (who, year))
            note = "NHS 3-3-4, keyword 'NHS number'"
        else:
            text = ("Following this morning's strategy discussion the social worker asked us to "
                    "share what we hold for %s.\nPatient number {ID} at the surgery.\n"
                    "Please treat this as part of the child protection enquiry.\n" % who)
            note = "NHS contiguous, keyword 'patient number', safeguarding context"
        subject = ["NHS number {ID} - %s" % who, "Strategy meeting for %s, NHS no {ID}" % who][k]
        table = ("Pupils", ["Pupil", "Year group", "NHS number"], [[who, year, "{ID}"]])
    elif typ == "chi":
        d = make_chi(rng, luhn_only=(k == 1))
        ident = d if k == 0 else d[:6] + " " + d[6:]
        if k == 0:
            text = ("Hi,\n\nFor the named person record of %s (%s):\n"
                    "CHI number: {ID}\nThanks.\n" % (who, year))
            note = "CHI mod 11 contiguous, keyword 'CHI number'"
        else:
            text = ("An inter-agency referral discussion was held today for %s.\n"
                    "CHI {ID}\nChild's plan to follow under GIRFEC.\n" % who)
            note = "CHI Mod 10 only, 6-4, keyword 'CHI', Scottish safeguarding context"
        subject = ["CHI number {ID} for %s" % who, "IRD today - %s CHI {ID}" % who][k]
        table = ("Pupils", ["Pupil", "Class", "CHI number"], [[who, year, "{ID}"]])
    elif typ == "hcn":
        d = make_hcn(rng)
        ident = fmt334(d) if k == 0 else d
        if k == 0:
            text = ("Hello,\n\nHealth and Care number for %s (%s): {ID}\n"
                    "The health visitor has the rest.\n" % (who, year))
            note = "H&C 3-3-4, keyword 'Health and Care number'"
        else:
            text = ("The UNOCINI assessment for %s is complete.\nH&C number {ID}\n"
                    "Social worker to call you.\n" % who)
            note = "H&C contiguous, keyword 'H&C number', NI safeguarding context"
        subject = ["H&C number {ID} - %s" % who, "UNOCINI: %s, HCN {ID}" % who][k]
        table = ("Pupils", ["Pupil", "Year group", "H&C number"], [[who, year, "{ID}"]])
    elif typ == "upn":
        ident = make_upn(rng, temporary=(k == 1))
        if k == 0:
            text = ("Dear colleague,\n\n%s joins you from us this week (%s).\n"
                    "UPN: {ID}\nThe CTF will follow.\n" % (who, year))
            note = "UPN permanent, keyword 'UPN'"
        else:
            text = ("Common transfer file for %s is delayed; the designated safeguarding lead "
                    "will call.\nFormer unique pupil number {ID}\n" % who)
            note = "UPN temporary, keyword 'unique pupil number'"
        subject = ["Transfer: %s UPN {ID}" % who, "CTF for %s - {ID}" % who][k]
        table = ("Pupils", ["Pupil", "Year group", "UPN"], [[who, year, "{ID}"]])
    elif typ == "uln":
        ident = make_uln(rng)
        if k == 0:
            text = ("Hello,\n\nCollege enrolment for %s (Year 11).\nULN: {ID}\n"
                    "Thank you.\n" % who)
            note = "ULN, keyword 'ULN'"
        else:
            text = ("%s is a looked after child; the virtual school asked for the PEP.\n"
                    "Unique Learner Number {ID}\n" % who)
            note = "ULN, keyword 'Unique Learner Number', safeguarding context"
        subject = ["ULN {ID} - %s enrolment" % who, "PEP for %s, Unique Learner Number {ID}" % who][k]
        table = ("Pupils", ["Learner", "Year group", "ULN"], [[who, "Year 11", "{ID}"]])
    elif typ == "nino":
        ident = make_nino(rng, spaced=(k == 0))
        if k == 0:
            text = ("Hi,\n\n%s (Year 12, aged 16) has her National Insurance number now:\n"
                    "{ID}\nShe needs it for the bursary form.\n" % who)
            note = "NINO spaced, keyword 'National Insurance number'"
        else:
            text = ("Care leaver %s, 17, the personal adviser asked for details.\n"
                    "NI number {ID}\nLooked after child since 2019.\n" % who)
            note = "NINO compact, keyword 'NI number', safeguarding context"
        subject = ["NI number {ID} for %s" % who, "Care leaver %s - NI no {ID}" % who][k]
        table = ("Pupils", ["Student", "Year group", "NI number"], [[who, "Year 12", "{ID}"]])
    else:  # dob_child
        dob = child_dob(rng)
        if k == 0:
            ident = dob.strftime("%d/%m/%Y")
            text = ("Hello,\n\nAbout %s in %s.\nDOB: {ID}\n"
                    "Mum asked us to pass this on.\n" % (who, year))
            note = "child DOB dd/mm/yyyy, label 'DOB'"
            cell = ident
        else:
            ident = "%d %s %d" % (dob.day, dob.strftime("%B"), dob.year)
            text = ("Early help assessment for %s.\nDate of birth: {ID}\n"
                    "Family support worker allocated.\n" % who)
            note = "child DOB 'd Month yyyy', label 'Date of birth'"
            cell = dob.strftime("%d/%m/%Y")
        subject = ["%s DOB {ID}" % who, "Early help: %s, date of birth {ID}" % who][k]
        table = ("Pupils", ["Pupil", "Year group", ["DOB", "Date of birth"][k]], [[who, year, "{ID}"]])
        return Snip(ident, text, subject, table, note, id_in_table=cell,
                    table_note="child DOB dd/mm/yyyy")
    return Snip(ident, text, subject, table, note)


def neg_snippet(rng, kind, k):
    who = name(rng)
    if kind == "phone":
        mob = "07700 900%03d" % rng.randint(0, 999)
        ident = "01632 960%03d" % rng.randint(0, 999) if k == 0 else \
            "0%d 496 0%03d" % (rng.choice([113, 114, 115, 116, 117, 118, 121, 131, 141, 151, 161]),
                               rng.randint(0, 999))
        text = ("Hi,\n\nThe PTA meeting moved to Thursday.\nCall the office on {ID} "
                "or my mobile %s.\nThanks.\n" % mob)
        subject = "Call me on {ID}"
        table = ("Contacts", ["Name", "Telephone", "Mobile"], [[who, "{ID}", mob]])
        note = "Ofcom drama numbers, national format"
    elif kind == "phone-intl":
        # 7700 900xxx chosen to pass mod 11: only the +44 rule keeps it out.
        while True:
            m = "7700900%03d" % rng.randint(0, 999)
            if mod11_ok(m):
                break
        ident = ["+44 7700 %s" % m[4:], "+44 (0)7700 %s" % m[4:]][k]
        text = ("Hello,\n\nI am abroad until Monday; reach me on {ID} or on "
                "+44 20 7946 0%03d.\n" % rng.randint(0, 999))
        subject = "New mobile {ID}"
        table = ("Contacts", ["Name", "Telephone"], [[who, "{ID}"]])
        note = "Ofcom drama mobile with +44 (digits pass mod 11)"
    elif kind == "invoice":
        ident = invalid_ten(rng, first=rng.choice("4679"))
        order = "ORD-%s" % digits(rng, 8)
        text = ("Dear finance team,\n\nInvoice number {ID} for the Year 6 coach trip is "
                "overdue.\nPurchase order %s, account 3061 2214.\n" % order)
        subject = "Invoice {ID} - coach hire"
        table = ("Invoices", ["Supplier", "Invoice number", "Amount"],
                 [["Coachways Ltd", "{ID}", "412.50"]])
        note = "10-digit invoice number failing every checksum, labelled"
    elif kind == "isbn":
        ident = ["1-84356-028-3", "978-0-306-40615-7"][k]
        text = ("Hello,\n\nPlease order 30 copies for Year 5: ISBN {ID}, and the teacher's "
                "guide ISBN 9780141036144.\n")
        subject = "Book order ISBN {ID}"
        table = ("Books", ["Title", "ISBN", "Copies"], [["Reading scheme", "{ID}", "30"]])
        note = "ISBN-10/13 hyphenated plus a 13-digit run"
    elif kind == "iban":
        ident = ["GB82 WEST 1234 5698 7654 32", "GB33BUKB20201555555555"][k]
        text = ("Hello,\n\nThe trip refund goes to IBAN {ID}, sort code 20-20-15, "
                "account 55555555.\n")
        subject = "Refund to IBAN {ID}"
        table = ("Refunds", ["Payee", "IBAN"], [[who, "{ID}"]])
        note = "IBAN (4-groups / compact)"
    elif kind == "tracking":
        ident = ["%s%s%sGB" % (rng.choice("ABCEHJKLRT"), rng.choice("ABDEFGHLMNPQ"), digits(rng, 9)),
                 "1Z 999 AA1 01 2345 6784"][k]
        dpd = "1550%s" % digits(rng, 10)
        text = ("Hi,\n\nThe uniform parcel is tracking number {ID}; the second box is "
                "DPD %s.\n" % dpd)
        subject = "Your parcel {ID}"
        table = ("Parcels", ["Carrier", "Tracking number"], [["Royal Mail", "{ID}"]])
        note = "parcel tracking numbers (Royal Mail/UPS, 14-digit DPD)"
    elif kind == "card":
        ident = ["4111 1111 1111 1111", "5555-5555-5555-4444"][k]
        text = ("Hello,\n\nPlease do not email card details: you sent {ID} with expiry "
                "12/27. I have deleted it.\n")
        subject = "Card {ID} payment"
        table = ("Payments", ["Payer", "Card"], [[who, "{ID}"]])
        note = "card-like 4-4-4-4"
    elif kind == "adult-dob":
        d = dt.date(rng.randint(1960, 1999), rng.randint(1, 12), rng.randint(1, 28))
        ident = d.strftime("%d/%m/%Y")
        text = ("Hello,\n\nFor the volunteer DBS check: %s, DOB: {ID}.\n"
                "Start date 15/09/2025.\n" % who)
        subject = "DBS check %s DOB {ID}" % who
        table = ("Volunteers", ["Volunteer", "Date of birth"], [[who, "{ID}"]])
        note = "adult's date of birth, labelled"
    elif kind == "date-nolabel":
        d = child_dob(rng)
        ident = d.strftime("%d/%m/%Y")
        text = ("Hi,\n\nThe photos from the {ID} sports day are on the portal.\n"
                "Term ends 19/12/2025.\n")
        subject = "Sports day {ID} photos"
        table = ("Events", ["Event", "Date"], [["Sports day", "{ID}"]])
        note = "child-era dates with no DOB label"
    elif kind == "newsletter":
        ident = "county lines"
        text = ("Safeguarding newsletter, autumn term\n\nThis term our designated safeguarding "
                "lead covers {ID}, early help, Operation Encompass and online safety.\n"
                "Training for all staff on 12/09/2025. Call 01632 960000 with any concern.\n")
        subject = "Safeguarding newsletter: {ID} and early help"
        table = ("Training", ["Topic", "Date"], [["{ID} awareness", "12/09/2025"]])
        note = "generic safeguarding newsletter, no identifier"
    elif kind == "official-sensitive":
        ident = "OFFICIAL-SENSITIVE"
        text = ("{ID}\n\nMinutes of the budget working group. Headcount forecast 412; "
                "agency spend down 8%%. Next meeting 14/10/2025.\n")
        subject = "{ID}: budget minutes"
        table = ("Budget", ["Marking", "Line", "Amount"], [["{ID}", "Agency spend", "18250"]])
        note = "OFFICIAL-SENSITIVE with no child data"
    elif kind == "long-run":
        nhs = make_nhs(rng)
        ident = ["12" + nhs + "7", "TXN" + nhs][k]
        text = ("Hello,\n\nPayment reference {ID} was refunded; batch %s.\n" % digits(rng, 16))
        subject = "Payment ref {ID}"
        table = ("Payments", ["Reference", "Amount"], [["{ID}", "35.00"]])
        note = "long run / glued token holding a valid NHS number"
    elif kind == "nhs-badcheck":
        nhs = make_nhs(rng)
        bad = nhs[:9] + str((int(nhs[9]) + 1 + rng.randint(0, 7)) % 10)
        while mod11_ok(bad) or ten_valid(bad):
            bad = bad[:9] + str((int(bad[9]) + 1) % 10)
        ident = fmt334(bad) if k == 0 else bad
        text = ("Hi,\n\nThe NHS number on the form, {ID}, was rejected by the surgery as a "
                "typo. Please check with the parent.\n")
        subject = "NHS number {ID} rejected"
        table = ("Forms", ["Form", "NHS number"], [["Medical consent", "{ID}"]])
        note = "NHS-labelled number failing the checksum"
    else:  # repdigit
        ident = ["999 999 9999", "4444444444"][k]
        text = ("Hello,\n\nThe test system shows NHS number {ID} for every record; "
                "the supplier is fixing it.\n")
        subject = "Placeholder NHS number {ID}"
        table = ("Forms", ["Record", "NHS number"], [["Placeholder", "{ID}"]])
        note = "repdigit placeholder"
    return Snip(ident, text, subject, table, note)



# ---------------------------------------------------------------------------
# Named children (spec section 9.3, issue 13): a child named, not numbered.
# Positives carry what makes a named child identify a child (section 10:
# HIGH): safeguarding context, a term near the name, or a marking, and no
# other identifier, so the named_child finding is what holds them.
# Negatives are the mail that names people without naming a child at risk,
# written from what schools and councils send, not from the detector.

NC_LOCATIONS = ["subject", "body-plain", "body-qp", "html", "docx", "xlsx", "pdf",
                "forwarded", "filename"]
NC_NEG_LOCATIONS = ["body-plain", "html", "docx", "pdf"]
NC_NEG_KINDS = ["dsl-footer", "staff-ages", "training", "case-study", "book-list",
                "customer-service", "class-letter"]
NC_REPS = 2


def nc_pos_snippet(rng, k):
    who = name(rng)
    age, year = rng.randint(2, 15), rng.randint(1, 11)
    texts = [
        "Hello,\n\nAn initial child protection conference for {ID} (aged %d) has been "
        "booked for Wednesday at 10am.\n\nThanks\n" % age,
        "Hi,\n\n{ID} (%d) disclosed that he had been hit at home. A strategy discussion "
        "is planned for tomorrow.\n" % age,
        "OFFICIAL-SENSITIVE\n\n{ID}, Year %d, has been referred to early help after "
        "concerns about neglect.\n" % year,
        "Hello,\n\n{ID} is a looked after child placed out of area; the PEP review is "
        "next week.\n",
        "Hi,\n\nWe are worried about {ID} (Reception), who arrived hungry again. The "
        "concern is logged on CPOMS and the social worker is aware.\n",
        "Child's name: {ID}\nConcern: missing from education since Monday; the child "
        "protection plan is under review.\n",
    ]
    text = texts[(2 * k + rng.randint(0, 1)) % len(texts)]
    subject = "ICPC for {ID} (aged %d)" % age
    table = ("Referrals", ["Child's name", "Year", "Plan"],
             [["{ID}", "Year %d" % year, "child protection plan"]])
    sn = Snip(who, text, subject, table, "named child with safeguarding context",
              table_note="named child under a Child's name header")
    sn.filename = "Referral_%s_Year_%d.txt" % (who.replace(" ", "_"), year)
    return sn


def nc_neg_snippet(rng, kind, k):
    who = name(rng)
    if kind == "dsl-footer":
        text = ("Dear parents and carers,\n\nOur Year 6 trip to the Science Museum is on "
                "Friday; please send a packed lunch and a waterproof coat.\n\nKind regards\n"
                "Mrs Sarah Collins\nHeadteacher\n\nOur Designated Safeguarding Lead is {ID}. "
                "If you are worried about a child, please contact the school office.\n")
        note = "newsletter whose footer names the DSL"
    elif kind == "staff-ages":
        text = ("Staff news\n\nWe welcome {ID}, 34, who joins the maths department in "
                "September. Mr Peter Grant (61) retires after thirty years at the school.\n")
        note = "staff announcement with ages"
    elif kind == "training":
        text = ("Safeguarding training\n\n{ID} from the local authority will lead a session "
                "on child protection conferences and county lines on 12 March. All staff "
                "must attend.\n")
        note = "safeguarding training invitation naming the trainer"
    elif kind == "case-study":
        text = ("Case study for the course\n\nChild A, aged 7, was referred by the school "
                "after a disclosure; Sibling 2 (aged 4) was seen the same day. The social "
                "worker, {ID}, convened a strategy discussion.\n")
        note = "anonymised case study"
    elif kind == "book-list":
        text = ("Year 3 reading list\n\nThe Iron Man by Ted Hughes; Matilda by Roald Dahl; "
                "Charlotte's Web by E. B. White; Harry Potter and the Philosopher's Stone. "
                "Questions to {ID} in the library.\n")
        note = "book list for a year group"
    elif kind == "customer-service":
        text = ("Thank you for your order of school uniform for your child. It will be "
                "dispatched within 3 days.\n\nKind regards,\n{ID}\nCustomer Services, "
                "BrightKids Uniforms Ltd\n")
        note = "customer-service signature"
    else:  # class-letter
        text = ("Dear parents and carers of Year 4,\n\nThis half term the class is "
                "learning about the Romans. Children should bring their reading books every "
                "day.\n\n{ID}\nClass Teacher\n")
        note = "letter to parents about a whole class"
    subject = "School news"
    table = ("News", ["Item", "Contact"], [["Notice", "{ID}"]])
    return Snip(who, text, subject, table, note)

# ---------------------------------------------------------------------------
# Rendering helpers


def split_ident(ident):
    """Two halves, cut in the middle of a run of characters (never at a space)."""
    k = len(ident) // 2
    while 0 < k < len(ident) - 1 and (not ident[k - 1].isalnum() or not ident[k].isalnum()):
        k += 1
    return ident[:k], ident[k:]


def xml_esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def qp_encode_line(line, keep_spaces=True):
    out = []
    for b in line.encode("utf-8"):
        c = chr(b)
        if b == 61 or b > 126 or (b < 32 and c != "\t") or (c == " " and not keep_spaces):
            out.append("=%02X" % b)
        else:
            out.append(c)
    s = "".join(out)
    if s.endswith(" ") or s.endswith("\t"):
        s = s[:-1] + "=%02X" % ord(s[-1])
    return s


def qp_body(text, ident, encode_spaces):
    """Quoted-printable with a soft line break inside the identifier."""
    a, b = split_ident(ident)
    lines = []
    for line in text.split("\n"):
        if "{ID}" in line:
            pre, post = line.split("{ID}", 1)
            lines.append(qp_encode_line(pre + a, not encode_spaces) + "=")
            lines.append(qp_encode_line(b + post, not encode_spaces))
        else:
            lines.append(qp_encode_line(line))
    return "\n".join(lines)


def b64(data):
    s = base64.b64encode(data).decode("ascii")
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def zip_bytes(members):
    """members: [(name, bytes, stored?)]; fixed timestamps keep bytes stable."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name_, data, stored in members:
            info = zipfile.ZipInfo(name_, ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def prose_lines(sn, ident):
    return sn.fill(sn.text, ident).split("\n")


# --- DOCX ------------------------------------------------------------------
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def docx_para(line, ident):
    if "{ID}" not in line:
        return '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % xml_esc(line)
    pre, post = line.split("{ID}", 1)
    a, b = split_ident(ident)
    return ('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r>'
            '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>'
            '<w:proofErr w:type="spellStart"/>'
            '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>'
            '<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
            % (xml_esc(pre), xml_esc(a), xml_esc(b), xml_esc(post)))


def make_docx(sn, in_header):
    lines = sn.text.split("\n")
    idline = [ln for ln in lines if "{ID}" in ln]
    body_lines = [ln for ln in lines if "{ID}" not in ln] if in_header else lines
    paras = "".join(docx_para(ln, sn.ident) for ln in body_lines)
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr>'
            if in_header else "<w:sectPr/>")
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document %s><w:body>%s%s</w:body></w:document>' % (W_NS, paras, sect))
    header = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr %s>%s</w:hdr>'
              % (W_NS, "".join(docx_para(ln, sn.ident) for ln in idline)))
    ctypes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
              + ('<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
                 if in_header else "") + '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + ('<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
                   if in_header else "") + '</Relationships>')
    members = [("[Content_Types].xml", ctypes.encode(), False), ("_rels/.rels", rels.encode(), False),
               ("word/document.xml", document.encode(), False),
               ("word/_rels/document.xml.rels", doc_rels.encode(), False)]
    if in_header:
        members.append(("word/header1.xml", header.encode(), False))
    return zip_bytes(members)


# --- XLSX ------------------------------------------------------------------


def col_name(i):
    return "ABCDEFGHIJ"[i]


def make_xlsx(sn, numeric):
    sheet, headers, rows = sn.table
    strings = []

    def sidx(s):
        if s not in strings:
            strings.append(s)
        return strings.index(s)

    xml_rows = []
    for r, row in enumerate([headers] + [[sn.fill(c, sn.table_ident) for c in rw] for rw in rows]):
        cells = []
        for c, val in enumerate(row):
            ref = "%s%d" % (col_name(c), r + 1)
            if numeric and r > 0 and val.isdigit() and not val.startswith("0") and len(val) < 16:
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, val))
            else:
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sidx(val)))
        xml_rows.append('<row r="%d">%s</row>' % (r + 1, "".join(cells)))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(xml_rows)))
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst %s count="%d" uniqueCount="%d">%s</sst>'
           % (ns, len(strings), len(strings),
              "".join('<si><t xml:space="preserve">%s</t></si>' % xml_esc(s) for s in strings)))
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook %s %s><sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>'
                % (ns, rns, xml_esc(sheet)))
    wb_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               '</Relationships>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    ctypes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
              '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
              '</Types>')
    return zip_bytes([("[Content_Types].xml", ctypes.encode(), False), ("_rels/.rels", rels.encode(), False),
                      ("xl/workbook.xml", workbook.encode(), False),
                      ("xl/_rels/workbook.xml.rels", wb_rels.encode(), False),
                      ("xl/worksheets/sheet1.xml", sheet_xml.encode(), False),
                      ("xl/sharedStrings.xml", sst.encode(), False)])


# --- ODT / ODS -------------------------------------------------------------
ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"')


def odf_package(mime, content):
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>' % mime)
    return zip_bytes([("mimetype", mime.encode(), True), ("content.xml", content.encode(), False),
                      ("META-INF/manifest.xml", manifest.encode(), False)])


def make_odt(sn, k):
    paras = []
    for line in sn.text.split("\n"):
        if "{ID}" in line:
            pre, post = line.split("{ID}", 1)
            a, b = split_ident(sn.ident)
            if k == 0:
                mid = '%s<text:span text:style-name="T1">%s</text:span>' % (xml_esc(a), xml_esc(b))
            else:  # ODF writes runs of spaces as <text:s/>
                mid = xml_esc(a) + xml_esc(b).replace(" ", "<text:s/>")
            paras.append("<text:p>%s%s%s</text:p>" % (xml_esc(pre), mid, xml_esc(post)))
        else:
            paras.append("<text:p>%s</text:p>" % xml_esc(line))
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s>'
               '<office:body><office:text>%s</office:text></office:body></office:document-content>'
               % (ODF_NS, "".join(paras)))
    return odf_package("application/vnd.oasis.opendocument.text", content)


def make_ods(sn, numeric):
    sheet, headers, rows = sn.table
    xml_rows = []
    for r, row in enumerate([headers] + [[sn.fill(c, sn.table_ident) for c in rw] for rw in rows]):
        cells = []
        for val in row:
            if numeric and r > 0 and val.isdigit() and not val.startswith("0"):
                cells.append('<table:table-cell office:value-type="float" office:value="%s">'
                             '<text:p>%s</text:p></table:table-cell>' % (val, val))
            else:
                cells.append('<table:table-cell office:value-type="string"><text:p>%s</text:p>'
                             '</table:table-cell>' % xml_esc(val))
        xml_rows.append("<table:table-row>%s</table:table-row>" % "".join(cells))
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s>'
               '<office:body><office:spreadsheet><table:table table:name="%s">%s</table:table>'
               '</office:spreadsheet></office:body></office:document-content>'
               % (ODF_NS, xml_esc(sheet), "".join(xml_rows)))
    return odf_package("application/vnd.oasis.opendocument.spreadsheet", content)


# --- PDF -------------------------------------------------------------------


def pdf_str(s):
    s = s.encode("cp1252", "replace").decode("latin-1")
    return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(sn, compress):
    """A minimal one-page PDF written by hand: Helvetica, one text object,
    the identifier line drawn as two strings in one TJ array."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
    for line in sn.text.split("\n"):
        if "{ID}" in line:
            pre, post = line.split("{ID}", 1)
            a, b = split_ident(sn.ident)
            ops.append("[%s %s -10 %s] TJ T*" % (pdf_str(pre), pdf_str(a), pdf_str(b + post)))
        else:
            for piece in textwrap.wrap(line, 90) or [""]:
                ops.append("%s Tj T*" % pdf_str(piece))
    ops.append("ET")
    stream = ("\n".join(ops) + "\n").encode("latin-1")
    extra = ""
    if compress:
        stream = zlib.compress(stream, 9)
        extra = " /Filter /FlateDecode"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            ("<< /Length %d%s >>\nstream\n" % (len(stream), extra)).encode() + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


# --- RTF -------------------------------------------------------------------


def rtf_esc(s):
    out = []
    for ch in s:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            b = ch.encode("cp1252", "replace")[0]
            out.append("\\'%02x" % b)
    return "".join(out)


def make_rtf(sn, k):
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}\f0\fs22 "]
    for line in sn.text.split("\n"):
        if "{ID}" in line:
            pre, post = line.split("{ID}", 1)
            a, b = split_ident(sn.ident)
            if k == 0:
                mid = rtf_esc(a) + r"{\b " + rtf_esc(b) + "}"
            else:  # hex escapes for the second half's characters
                mid = rtf_esc(a) + "".join("\\'%02x" % ord(c) for c in b)
            parts.append(rtf_esc(pre) + mid + rtf_esc(post) + "\\par\n")
        else:
            parts.append(rtf_esc(line) + "\\par\n")
    parts.append("}\n")
    return "".join(parts).encode("ascii")


# ---------------------------------------------------------------------------
# MIME assembly

BODY_NOTE = "Hello,\n\nPlease see the attached file.\n\nKind regards,\nJo Smith\nSt Mary's Primary School\n"


def headers(subject, n, ctype, cte=None, extra=""):
    h = ("From: Jo Smith <teacher@stmarys.sch.uk>\nTo: <parent@gmail.com>\n"
         "Subject: %s\nDate: Mon, 01 Sep 2025 09:30:00 +0100\n"
         "Message-ID: <acc-%04d.corpus@stmarys.sch.uk>\nMIME-Version: 1.0\n"
         "Content-Type: %s\n" % (subject, n, ctype))
    if cte:
        h += "Content-Transfer-Encoding: %s\n" % cte
    return h + extra


def single(subject, n, ctype, cte, body):
    return (headers(subject, n, ctype, cte) + "\n" + body + "\n").encode("utf-8")


def with_attachment(subject, n, part):
    bnd = "=_acc_%04d_mixed" % n
    return (headers(subject, n, 'multipart/mixed; boundary="%s"' % bnd) + "\n"
            "This is a multi-part message in MIME format.\n\n--%s\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n%s\n"
            "--%s\n%s\n--%s--\n" % (bnd, BODY_NOTE, bnd, part, bnd)).encode("utf-8")


def attach_part(ctype, filename, data, cte="base64"):
    body = b64(data) if cte == "base64" else data
    return ('Content-Type: %s; name="%s"\nContent-Disposition: attachment; filename="%s"\n'
            "Content-Transfer-Encoding: %s\n\n%s\n" % (ctype, filename, filename, cte, body))


def inner_message(sn, qp):
    body = qp_body(sn.text, sn.ident, False) if qp else sn.fill(sn.text)
    return ("From: Sam Green <sam.green@exampleshire.gov.uk>\nTo: <teacher@stmarys.sch.uk>\n"
            "Subject: Information you asked for\nDate: Fri, 29 Aug 2025 16:02:00 +0100\n"
            "Message-ID: <inner.corpus@exampleshire.gov.uk>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: %s\n\n%s\n"
            % ("quoted-printable" if qp else "8bit", body))


def rfc2047(s):
    return "=?UTF-8?B?%s?=" % base64.b64encode(s.encode("utf-8")).decode("ascii")


def dash_ident(sn, pos):
    """Windows-1252 variant: separators as en dashes (folded to '-' by the spec)."""
    return sn.ident.replace(" ", "\u2013") if pos and " " in sn.ident else sn.ident


def render(loc, sn, k, n, pos):
    """The whole message for one location class and variant."""
    neutral = ["Information as discussed", "Paperwork for next week"][k]
    if loc == "subject":
        subj = sn.fill(sn.subject)
        if k == 1:
            subj = rfc2047(subj + " \u2013 thanks")
        return single(subj, n, "text/plain; charset=utf-8", "7bit",
                      "Hello,\n\nDetails are in the subject line.\n\nJo\n")
    if loc == "body-plain":
        if k == 0:
            return single(neutral, n, "text/plain; charset=us-ascii", "7bit", sn.fill(sn.text))
        return single(neutral, n, "text/plain; charset=utf-8", "8bit",
                      sn.fill(sn.text, sn.ident.replace(" ", "\u00a0")).replace("'", "\u2019"))
    if loc == "body-qp":
        return single(neutral, n, "text/plain; charset=utf-8", "quoted-printable",
                      qp_body(sn.text.replace("'", "\u2019"), sn.ident, k == 1))
    if loc == "body-b64":
        cs = ["utf-8", "iso-8859-1"][k]
        return single(neutral, n, "text/plain; charset=%s" % cs, "base64",
                      b64(sn.fill(sn.text).encode(cs, "replace")))
    if loc == "html":
        a, b = split_ident(sn.ident)
        if k == 0:
            mid = '<span class="x">%s</span><b>%s</b>' % (xml_esc(a), xml_esc(b))
        else:
            mid = xml_esc(a) + "".join("&nbsp;" if c == " " else "&#%d;" % ord(c) for c in b)
        paras = []
        for line in sn.text.split("\n"):
            if "{ID}" in line:
                pre, post = line.split("{ID}", 1)
                paras.append("<p>%s%s%s</p>" % (xml_esc(pre), mid, xml_esc(post)))
            elif line:
                paras.append("<p>%s</p>" % xml_esc(line))
        html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>note</title>"
                "<style>p{margin:0}</style></head>\n<body>\n%s\n</body></html>" % "\n".join(paras))
        return single(neutral, n, "text/html; charset=utf-8", ["7bit", "quoted-printable"][k],
                      html if k == 0 else "\n".join(qp_encode_line(x) for x in html.split("\n")))
    if loc == "txt-1252":
        text = sn.fill(sn.text, dash_ident(sn, pos)).replace("'", "\u2019")
        data = text.replace("\n", "\r\n").encode("cp1252")
        if k == 0:
            part = ('Content-Type: text/plain; charset=windows-1252; name="notes.txt"\n'
                    'Content-Disposition: attachment; filename="notes.txt"\n'
                    "Content-Transfer-Encoding: quoted-printable\n\n%s\n"
                    % "\n".join("".join("=%02X" % c if c > 126 or c == 61 else chr(c)
                                        for c in ln) for ln in data.split(b"\r\n")))
        else:
            part = attach_part("text/plain; charset=windows-1252", "notes.txt", data)
        return with_attachment(neutral, n, part)
    if loc == "txt-utf16":
        text = sn.fill(sn.text).replace("\n", "\r\n")
        cs, data = [("utf-16", text.encode("utf-16")), ("utf-16le", text.encode("utf-16-le"))][k]
        return with_attachment(neutral, n, attach_part("text/plain; charset=%s" % cs, "notes.txt", data))
    if loc == "csv":
        _, hdrs, rows = sn.table
        allrows = [hdrs] + [[sn.fill(c, sn.table_ident) for c in r] for r in rows]
        if k == 0:
            data = "\n".join(",".join(r) for r in allrows) + "\n"
            raw = data.encode("utf-8")
        else:
            data = "\r\n".join(",".join('"%s"' % c for c in r) for r in allrows) + "\r\n"
            raw = b"\xef\xbb\xbf" + data.encode("utf-8")
        return with_attachment(neutral, n, attach_part("text/csv; charset=utf-8", "export.csv", raw))
    if loc == "docx":
        return with_attachment(neutral, n, attach_part(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "referral.docx", make_docx(sn, in_header=(k == 1))))
    if loc == "xlsx":
        return with_attachment(neutral, n, attach_part(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "list.xlsx", make_xlsx(sn, numeric=(k == 1))))
    if loc == "odt":
        return with_attachment(neutral, n, attach_part(
            "application/vnd.oasis.opendocument.text", "referral.odt", make_odt(sn, k)))
    if loc == "ods":
        return with_attachment(neutral, n, attach_part(
            "application/vnd.oasis.opendocument.spreadsheet", "list.ods", make_ods(sn, numeric=(k == 1))))
    if loc == "pdf":
        return with_attachment(neutral, n, attach_part("application/pdf", "letter.pdf",
                                                       make_pdf(sn, compress=(k == 1))))
    if loc == "rtf":
        return with_attachment(neutral, n, attach_part("application/rtf", "letter.rtf", make_rtf(sn, k)))
    if loc == "zip":
        inner = "referral.docx" if k == 0 else "Referrals/September/referral.docx"
        return with_attachment(neutral, n, attach_part(
            "application/zip", "documents.zip", zip_bytes([(inner, make_docx(sn, False), False)])))
    if loc == "forwarded":
        part = ("Content-Type: message/rfc822\nContent-Disposition: inline\n\n%s"
                % inner_message(sn, qp=(k == 1)))
        return with_attachment("Fwd: Information you asked for", n, part)
    if loc == "eml-attachment":
        data = inner_message(sn, qp=(k == 1)).encode("utf-8")
        if k == 0:
            part = attach_part("application/octet-stream", "FW Information.eml", data)
        else:
            part = ("Content-Type: application/octet-stream\n"
                    'Content-Disposition: attachment; filename="message.eml"\n'
                    "Content-Transfer-Encoding: base64\n\n%s\n" % b64(data))
        return with_attachment(neutral, n, part)
    if loc == "filename":
        # the name is only in the file name; the subject says what it is for
        part = attach_part("text/plain; charset=utf-8", sn.filename,
                           b"Referral form: see the notes from the meeting.\n")
        return with_attachment("Referral for Monday's strategy meeting", n, part) if k == 0 \
            else with_attachment("Referral for the child protection conference", n,
                                 part.replace('filename="', 'filename="CP_'))
    raise ValueError(loc)


LOC_NOTES = {
    "subject": ["plain subject", "RFC 2047 encoded subject"],
    "body-plain": ["7bit us-ascii", "8bit utf-8, NO-BREAK SPACE separators"],
    "body-qp": ["quoted-printable, soft break inside the number", "quoted-printable, =20 spaces, soft break"],
    "body-b64": ["base64 utf-8", "base64 iso-8859-1"],
    "html": ["text/html, number split by inline tags", "text/html QP, number as entities"],
    "txt-1252": ["windows-1252 .txt, QP", "windows-1252 .txt, base64"],
    "txt-utf16": ["UTF-16 .txt with BOM", "UTF-16LE .txt without BOM"],
    "csv": ["CSV, header keyword", "CSV quoted with BOM, header keyword"],
    "docx": ["DOCX, number split across runs", "DOCX, number in the header, split across runs"],
    "xlsx": ["XLSX sheet with header row, strings", "XLSX sheet with header row, numeric cells"],
    "odt": ["ODT, number split by a span", "ODT, spaces as text:s"],
    "ods": ["ODS sheet with header row, strings", "ODS sheet with header row, float cells"],
    "pdf": ["hand-written PDF, TJ split", "hand-written PDF, FlateDecode"],
    "rtf": ["RTF, number split by a group", "RTF, hex escapes"],
    "zip": ["ZIP holding a DOCX", "ZIP holding a DOCX in a folder"],
    "forwarded": ["message/rfc822 inline", "message/rfc822 inline, inner QP"],
    "eml-attachment": [".eml as application/octet-stream", ".eml, filename in disposition only"],
    "filename": ["child's name and year in an attachment's file name",
                 "the same with a CP_ prefix"],
}


# ---------------------------------------------------------------------------
# Optional cross-check against the spec's reference script.


def load_reference():
    here = pathlib.Path(__file__).resolve().parent
    for d in (os.environ.get("SS_SPECDIR"), here.parents[2] / "shared" / "spec"):
        if d and (pathlib.Path(d) / "identifier_vectors.py").is_file():
            sys.path.insert(0, str(d))
            try:
                import identifier_vectors
                return identifier_vectors
            finally:
                sys.path.pop(0)
    return None


def check_snippet(ref, sn, typ):
    """A positive must hold its type; a negative must hold no identifier."""
    text = sn.fill(sn.text)
    if typ != "none":
        return bool(ref.FINDERS[typ](text))
    return not any(ref.FINDERS[t](text) for t in ID_TYPES)


# ---------------------------------------------------------------------------


def build(outdir):
    rng = random.Random(SEED)
    ref = load_reference()
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    labels = ["file\texpected\ttype\tlocation\tnote"]
    n = 0
    bad = []
    plan = [(True, t) for t in ID_TYPES] + [(False, kd) for kd in NEG_KINDS]
    for pos, what in plan:
        for loc in LOCATIONS:
            for k in range(VARIANTS):
                n += 1
                sn = pos_snippet(rng, what, k) if pos else neg_snippet(rng, what, k)
                typ = what if pos else "none"
                if ref and not check_snippet(ref, sn, typ):
                    bad.append("%s %s %s %d" % ("pos" if pos else "neg", what, loc, k))
                fname = "%s-%s-%s-%d.eml" % ("pos" if pos else "neg", what, loc, k)
                (out / fname).write_bytes(render(loc, sn, k, n, pos))
                note = "%s; %s" % (sn.note_for(loc), LOC_NOTES[loc][k])
                labels.append("\t".join([fname, "child" if pos else "none", typ, loc, note]))
    n = build_named_children(rng, out, labels, n)
    (out / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return n, ref is not None, bad


def build_named_children(rng, out, labels, n):
    """Named-child positives in every location class, and the negatives that
    name adults, anonymised children or characters."""
    for loc in NC_LOCATIONS:
        for rep in range(NC_REPS):
            for k in range(VARIANTS):
                n += 1
                sn = nc_pos_snippet(rng, k + rep)
                fname = "pos-named_child-%s-%d.eml" % (loc, 2 * rep + k)
                (out / fname).write_bytes(render(loc, sn, k, n, True))
                note = "%s; %s" % (sn.note_for(loc), LOC_NOTES[loc][k])
                labels.append("\t".join([fname, "child", "named_child", loc, note]))
    for kind in NC_NEG_KINDS:
        for loc in NC_NEG_LOCATIONS:
            for k in range(VARIANTS):
                n += 1
                sn = nc_neg_snippet(rng, kind, k)
                fname = "neg-nc-%s-%s-%d.eml" % (kind, loc, k)
                (out / fname).write_bytes(render(loc, sn, k, n, False))
                note = "%s; %s" % (sn.note, LOC_NOTES[loc][k])
                labels.append("\t".join([fname, "none", "none", loc, note]))
    return n


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: gen_corpus.py OUTDIR", file=sys.stderr)
        return 2
    n, checked, bad = build(argv[1])
    for b in bad:
        print("gen_corpus: snippet fails the reference rules: %s" % b, file=sys.stderr)
    print("gen_corpus: %d messages in %s (%s)" % (
        n, argv[1], "checked against the spec's reference script" if checked
        else "spec reference script not found: not cross-checked"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
