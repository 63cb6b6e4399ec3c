"""reportkit: a month of a school's audit trail, and its figures counted here.

The trail is made the way safeshare writes it (decision records from the
milter, review events, a DSL's release recorded on the re-sent message),
over the 30 days up to now, in three files as logrotate leaves them.  The
figures `safesharectl audit report` should print are counted independently
from the same records, with the rules written out in the man page."""

import datetime
import random
import statistics

import trailkit

ORGS = [("hv.team@nhs.net", "NHSmail", "nhsmail"),
        ("mash@exampleshire.gov.uk", "Exampleshire Council", "gov-secure-email"),
        ("cp.team@exampleshire.gov.uk", "Exampleshire Council", "gov-secure-email"),
        ("dc.jones@police.uk", "Exampleshire Police", "gov-secure-email"),
        ("safeguarding@oakfield.sch.uk", "Oakfield Academy & <Sixth Form>", "local-agreement"),
        ("referrals@cjsm.net", "Criminal Justice Secure Mail", "cjsm")]
INSECURE = ["parent.carer@gmail.com", "sam.taylor@hotmail.co.uk", "s.w.home@yahoo.co.uk",
            "coach@sportsclub.org.uk", "nan@btinternet.com"]
SENDERS = ["j.smith@stmarys.sch.uk", "office@stmarys.sch.uk", "senco@stmarys.sch.uk",
           "nurse@stmarys.sch.uk", "head@stmarys.sch.uk", "admin@oakfield.sch.uk"]
TYPES = ["nhs", "dob_child", "named_child", "upn", "nino", "chi"]
RULES_HELD = ["OnInsecure", "OnInsecureUncertain", "OnUnscannable"]
RULES_REFUSED = ["OnInsecure", "OnInsecure", "RequirePurpose", "OnOversize"]
PURPOSES = ["s47 enquiry", "referral to early help", "child protection conference",
            "team around the family", None]
OVERDUE_HOURS = 4


def iso(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def finding(rnd, t):
    return {"type": t, "confidence": rnd.choice(["high", "high", "medium"]),
            "location": "the message body", "redacted": "***",
            "hmac": "%064x" % rnd.getrandbits(256)}


def decision(rnd, when, n, action, rule, rcpts, finds, child, purpose=None, released=None):
    return {"time": iso(when), "reference": "SS-%04d-%04d" % (n // 1000, n % 10000),
            "source": "milter", "queue_id": "Q%06d" % n, "message_id": None,
            "sender": {"address": rnd.choice(SENDERS), "secure": True},
            "recipients": rcpts, "findings": finds, "unscanned": [],
            "child_data": child, "purpose": purpose,
            "purpose_from": "subject" if purpose else None,
            **({"released": released} if released else {}),
            "action": action, "rule": rule, "reasons": []}


def secure(addr, org, basis):
    return {"address": addr, "secure": True, "entry": addr.split("@")[1], "org": org,
            "basis": basis, "why": "on the secure-domain register (%s)" % org}


def insecure(addr):
    return {"address": addr, "secure": False, "entry": None, "org": None, "basis": None,
            "why": "not on the secure-domain register"}


def review(when, ref, event):
    return {"time": iso(when), "source": "review", "event": event, "reference": ref,
            "reviewer": "Ms Amara Patel", "reason": "checked with the social worker"}


def month(seed=19):
    """(records in the order written, the period's first and last day).  The
    period is the 30 days up to today; a few records fall outside it."""
    rnd = random.Random(seed)
    now = datetime.datetime.now().astimezone()
    first = (now - datetime.timedelta(days=29)).date()
    start = datetime.datetime.combine(first, datetime.time(0, 0)).astimezone()
    out, n = [], 0

    def add(rec):
        out.append(rec)

    # before the period: must not count
    for i in range(6):
        n += 1
        add(decision(rnd, start - datetime.timedelta(hours=3 + i), n, "reject", "OnInsecure",
                     [insecure(INSECURE[0])], [finding(rnd, "nhs")], True))
    span = (now - datetime.timedelta(hours=12) - start).total_seconds()
    for i in range(560):
        n += 1
        when = start + datetime.timedelta(seconds=span * i / 560 + rnd.randint(0, 900))
        kind = rnd.random()
        finds = [finding(rnd, rnd.choice(TYPES)) for _ in range(rnd.choice([0, 1, 1, 2, 3]))]
        if kind < 0.55:
            picks = rnd.sample(ORGS, rnd.choice([1, 1, 1, 2]))
            add(decision(rnd, when, n, "accept", "default", [secure(*p) for p in picks],
                         finds, bool(finds) and rnd.random() < 0.9,
                         rnd.choice(PURPOSES) if finds else None))
        elif kind < 0.75:
            add(decision(rnd, when, n, "reject", rnd.choice(RULES_REFUSED),
                         [insecure(rnd.choice(INSECURE))] + ([secure(*ORGS[0])]
                                                             if rnd.random() < 0.3 else []),
                         finds or [finding(rnd, "nhs")], True))
        elif kind < 0.97:
            rec = decision(rnd, when, n, "quarantine", rnd.choice(RULES_HELD),
                           [insecure(a) for a in rnd.sample(INSECURE, rnd.choice([1, 2]))],
                           finds or [finding(rnd, "dob_child")], True)
            add(rec)
            wait = datetime.timedelta(minutes=rnd.choice([12, 35, 70, 150, 200, 300, 600,
                                                          1500, 3000]))
            if rnd.random() < 0.75:
                event = rnd.choice(["release", "refuse"])
                add(review(when + wait, rec["reference"], event))
                if event == "release":
                    n += 1
                    add(decision(rnd, when + wait + datetime.timedelta(seconds=20), n,
                                 "accept", "ReleasedByDSL", rec["recipients"], rec["findings"],
                                 True, None, {"reference": rec["reference"],
                                              "by": "Ms Amara Patel", "reason": "checked"}))
        else:
            add(decision(rnd, when, n, "tempfail", "OnInternalError",
                         [secure(*ORGS[0])], [], False))
    # still waiting: one held an hour ago (not overdue), two held days ago (overdue)
    for hours in (1, 30, 50):
        n += 1
        add(decision(rnd, now - datetime.timedelta(hours=hours), n, "quarantine", "OnInsecure",
                     [insecure(INSECURE[1])], [finding(rnd, "named_child")], True))
    out.sort(key=lambda r: r["time"])
    return out, first.isoformat(), now.date().isoformat()


def expected(records, first, last, now=None):
    """The report's figures, counted from the records (see safesharectl(8))."""
    local = datetime.datetime.now().astimezone().tzinfo
    lo = datetime.datetime.fromisoformat(first).replace(tzinfo=local)
    hi = datetime.datetime.fromisoformat(last).replace(tzinfo=local) + datetime.timedelta(days=1)

    def when(r):
        return datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.000Z").replace(
            tzinfo=datetime.timezone.utc)

    inside = [r for r in records if "action" in r and lo <= when(r) < hi]
    f = {"messages": len(inside)}
    for key, action in (("accepted", "accept"), ("refused", "reject"), ("held", "quarantine"),
                        ("tempfailed", "tempfail")):
        f[key] = sum(r["action"] == action for r in inside)
    shares = [r for r in inside if r["action"] == "accept" and r.get("child_data")]
    f["shares"] = len(shares)
    f["shares_with_purpose"] = sum(bool(r.get("purpose")) for r in shares)
    orgs = {}
    for r in shares:
        keys = set()
        for p in r["recipients"]:
            org = p.get("org") or p["address"].split("@")[1]
            basis = p.get("basis") or ("released by the DSL" if r.get("released")
                                       else "not on the register")
            keys.add((org, basis))
        for k in keys:
            orgs[k] = orgs.get(k, 0) + 1
    f["shares_by_organisation"] = orgs
    reason, sender, dest = {}, {}, {}
    for r in inside:
        if r["action"] not in ("reject", "quarantine"):
            continue
        col = 0 if r["action"] == "reject" else 1
        for table, key in ((reason, r["rule"]), (sender, r["sender"]["address"].split("@")[1])):
            table.setdefault(key, [0, 0])[col] += 1
        for d in {p["address"].split("@")[1] for p in r["recipients"] if not p["secure"]}:
            dest[d] = dest.get(d, 0) + 1
    f["by_reason"], f["by_sender_domain"], f["insecure_destinations"] = reason, sender, dest
    types = {}
    for r in inside:
        ids = [x["type"] for x in r["findings"]
               if x["type"] not in ("sg_context", "marking_sensitive")]
        for t in set(ids):
            types.setdefault(t, [0, 0])[0] += 1
        for t in ids:
            types[t][1] += 1
    f["identifier_types"] = types
    now = now or datetime.datetime.now(datetime.timezone.utc)
    reviews = {}
    for r in records:
        if r.get("event") in ("release", "refuse"):
            t = when(r)
            reviews[r["reference"]] = min(t, reviews.get(r["reference"], t))
    waits, late, waiting, waiting_over = [], 0, 0, 0
    for r in inside:
        if r["action"] != "quarantine":
            continue
        rv = reviews.get(r["reference"])
        if rv and rv >= when(r):
            s = int((rv - when(r)).total_seconds())
            waits.append(s)
            late += s > OVERDUE_HOURS * 3600
        else:
            waiting += 1
            waiting_over += (now - when(r)).total_seconds() > OVERDUE_HOURS * 3600
    f["review"] = {"overdue_hours": OVERDUE_HOURS, "reviewed": len(waits),
                   "median_seconds": int(statistics.median(waits)) if waits else None,
                   "longest_seconds": max(waits) if waits else None,
                   "reviewed_late": late, "waiting": waiting, "waiting_overdue": waiting_over}
    return f


def trail_of_a_month(seed=19):
    """A Trail holding month() in three files; (trail, records, first, last)."""
    records, first, last = month(seed)
    t = trailkit.Trail()
    t.append_in_three_files(records)
    return t, records, first, last
