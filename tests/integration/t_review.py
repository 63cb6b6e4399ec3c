#!/usr/bin/env python3
"""The DSL reviews held mail in a browser, from the link in the notice (issue 15).

A real Postfix on loopback with safeshare-milter in front of a sink, both it
and safeshare-review running as the service user, and Debian's headless
Chromium driven by Selenium.  A referral to a personal address is held.
The DSL opens the link in the "waiting" notice as it reached the sink, signs
in, reads the message (no identifier anywhere in the page source), and
releases it with a reason and a note: it is delivered once, the sender is
told once, and the audit trail has the look and the release with the
reviewer's name.  The sender opens the link in their own notice and says why
the share is needed and how urgent it is; the DSL's queue shows it first.  A
second browser with no session, and a forged form post, are both refused.
A hostile subject stays text.  Report in the header opens the audit report
(issue 19): charts, figures only.

With SS_REVIEW_SCREENSHOTS=DIR the queue, message, sender and report pages are also
saved as PNG files there (doc/review-*.png are made this way).

Needs root, chromium, chromium-driver and python3-selenium.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build SS_TESTDATA=/path/to/tests/data \\
        python3 tests/integration/t_review.py
or via `make check-integration`.
"""

import hashlib
import hmac
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

try:
    from selenium import webdriver
except ImportError:
    # python3-selenium is Debian's: run under Debian's interpreter when
    # another python3 is first on PATH.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402
from t_quarantine import (QuarantineLab, Run, SENDER, INSECURE, SETTLE,  # noqa: E402
                          TOKEN_HEADER, check_notice, headers_of, identifier_in)

SERVICE_USER = "safeshare-lab"
REVIEWER, FULL_NAME = "amara", "Ms Amara Patel"
PASSWORD = "correct horse battery staple"
REASON = "Spoke to Sam by phone: her council account is down until Monday"
NOTE = "Next time please use sam.taylor@exampleshire.gov.uk"
OTHER, OTHER_PASSWORD = "ben", "a second reviewer's long passphrase"
REFUSE_REASON = "Not needed: the school nurse will pass this on at the meeting"
REFUSE_NOTE = "Please send referrals through the secure portal"
PURPOSE = "Sam is the allocated social worker and needs this before the core group meeting"
HOSTILE_SUBJECT = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> plan"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1200,900"]
LINK_RE = r"http://127\.0\.0\.1:\d+/%s/(SS-[A-Z0-9]{4}-[A-Z0-9]{4})\?t=v1\.\d+\.[0-9a-f]{32}"


def ctl_binary():
    return os.path.join(os.environ.get("SS_BUILDDIR") or pflab.SRCDIR, "review", "safesharectl")


def review_binary():
    return os.path.join(os.environ.get("SS_BUILDDIR") or pflab.SRCDIR, "review",
                        "safeshare-review")


class ReviewLab(QuarantineLab):
    """The quarantine lab as the service user, with safeshare-review beside
    the milter on the same configuration, and one reviewer account."""

    def __init__(self):
        self.review_port = pflab.free_port()
        super().__init__(user=SERVICE_USER, milter_conf=(
            "ReviewListen 127.0.0.1:%d\nReviewURL http://127.0.0.1:%d\nRemindAfter 60\n"
            % (self.review_port, self.review_port)))
        self.review_proc = None
        self.browsers = []

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.review_port

    @property
    def review_log(self):
        return self.path("log", "review.stderr")

    def write_milter_config(self):
        super().write_milter_config()
        with open(self.milter_config, "a") as f:
            f.write("ReviewUsers     %s\n" % self.path("state", "reviewers"))

    def start(self):
        super().start()
        p = subprocess.run([ctl_binary(), "-c", self.milter_config, "reviewer", "add", REVIEWER,
                            "--full-name", FULL_NAME], input=(PASSWORD + "\n").encode(),
                           capture_output=True, timeout=60)
        if p.returncode != 0:
            raise pflab.LabError("reviewer add: %s" % p.stderr.decode(errors="replace"))
        self._review_err = open(self.review_log, "ab")
        self.review_proc = subprocess.Popen([review_binary(), "-c", self.milter_config, "-f"],
                                            stdin=subprocess.DEVNULL, stdout=self._review_err,
                                            stderr=self._review_err)
        pflab.wait_for(self.review_answers, 15, "safeshare-review on port %d" % self.review_port)

    def review_answers(self):
        if self.review_proc.poll() is not None:
            raise pflab.LabError("safeshare-review exited: %s" % read_text(self.review_log))
        with urllib.request.urlopen(self.base + "/", timeout=5) as r:
            return r.status == 200

    def browser(self):
        o = webdriver.ChromeOptions()
        for flag in CHROME_FLAGS:
            o.add_argument(flag)
        o.add_argument("--user-data-dir=" + tempfile.mkdtemp(prefix="chromium-", dir=self.dir))
        o.binary_location = "/usr/bin/chromium"
        b = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
        self.browsers.append(b)
        return b

    def stop(self):
        for b in self.browsers:
            try:
                b.quit()
            except Exception:
                pass
        if self.review_proc is not None and self.review_proc.poll() is None:
            self.review_proc.terminate()
            self.review_proc.wait(timeout=10)
            self._review_err.close()
        super().stop()


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


class Review(Run):
    def __init__(self, lab):
        super().__init__(lab)
        self.dsl = None          # the DSL's browser, signed in
        self.links = {}

    def page(self, b):
        """The page as the browser has it: its source, and its visible text."""
        return b.page_source, b.find_element(By.TAG_NAME, "body").text

    def screenshot(self, b, name, width=1200, mobile=False):
        """The whole page as a PNG, width pixels wide (a phone's with
        mobile), when SS_REVIEW_SCREENSHOTS names a directory."""
        d = os.environ.get("SS_REVIEW_SCREENSHOTS")
        if not d:
            return
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}
        b.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        metrics["height"] = b.execute_script("return document.documentElement.scrollHeight")
        b.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        b.save_screenshot(os.path.join(d, name))
        b.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def audit(self, **want):
        return [a for a in self.lab.audit_records()
                if all(a.get(k) == v for k, v in want.items())]


def submit(b, selector):
    """Press a form's button and wait for the page it leads to."""
    old = b.find_element(By.TAG_NAME, "html")
    b.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(b, 20).until(expected_conditions.staleness_of(old))
    WebDriverWait(b, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def no_identifier(text):
    """Whether text holds the lab's NHS number in no form at all."""
    return not identifier_in(b"\n\n" + text.encode()) and "9434765919" not in text


# ------------------------------------------------------------------ checks

def t_held_with_links(r):
    bad, ref = r.hold_one("referral", pflab.load_mail("review-referral.eml", to=[INSECURE]))
    if not ref:
        return bad, []
    got = r.wait_notice("waiting", ref)
    body = got[1].decode("utf-8", "replace") if got else ""
    m = re.search(LINK_RE % "review", body)
    if not m or m.group(1) != ref:
        bad.append("the waiting notice has no signed link to %s's page: %r" % (ref, body[-600:]))
    else:
        r.links["dsl"] = m.group(0)
    if "safesharectl" in body:
        bad.append("the DSL's notice still tells them to run safesharectl")
    got = r.wait_notice("held", ref)
    body = got[1].decode("utf-8", "replace") if got else ""
    m = re.search(LINK_RE % "sender", re.sub(r"\r?\n", " ", body))
    if not m:
        bad.append("the sender's notice has no signed link to their page")
    else:
        r.links["sender"] = m.group(0)
    return bad, ["reference %s" % ref] + ["%s link: %s" % kv for kv in r.links.items()]


def t_link_asks_for_sign_in(r):
    if "dsl" not in r.links:
        return ["no link from the first check"], []
    b = r.dsl = r.lab.browser()
    b.get(r.links["dsl"])
    src, text = r.page(b)
    bad = []
    if "Sign in" not in b.title or "[NHS number]" in src or "attendance" in src:
        bad.append("the link showed %r before signing in" % b.title)
    bad += unnamed_controls(b)
    b.find_element(By.ID, "name").send_keys(REVIEWER)
    b.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(b, "form button[type=submit]")
    ref = r.held["referral"]
    if not b.current_url.endswith("/message/" + ref) or ref not in b.title:
        bad.append("after signing in the browser is at %s (%r)" % (b.current_url, b.title))
    cookie = b.get_cookie("__Host-safeshare") or {}
    if not (cookie.get("secure") and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict"):
        bad.append("the session cookie is not Secure, HttpOnly, SameSite=Strict: %r" % cookie)
    return bad, [b.current_url]


def t_page_without_identifier(r):
    ref = r.held.get("referral")
    if not r.dsl or not ref:
        return ["no signed-in browser from the check before"], []
    src, text = r.page(r.dsl)
    bad = []
    for want in ("[NHS number]", "attendance.csv", INSECURE, "not on the secure-domain register",
                 "child protection plan",
                 "What was found", "Your decision"):
        if want not in text:
            bad.append("the message page does not say %r" % want)
    if not no_identifier(src):
        bad.append("the page source holds the NHS number")
    if "<script" in src.lower():
        bad.append("the page has a script")
    views = r.audit(event="view", reference=ref, reviewer=FULL_NAME, login=REVIEWER, source="web")
    if len(views) != 1:
        bad.append("expected one view record with the reviewer, got %d" % len(views))
    return bad, [ln for ln in text.splitlines()[:12]]


def t_sender_says_why(r):
    if "sender" not in r.links:
        return ["no sender link from the first check"], []
    b = r.lab.browser()
    b.get(r.links["sender"])
    src, text = r.page(b)
    bad = []
    if "an NHS number in the message body" not in text or "Attendance has dropped" in text:
        bad.append("the sender's page does not say what was found, or shows the message")
    if not no_identifier(src):
        bad.append("the sender's page holds the NHS number")
    r.screenshot(b, "review-sender.png")
    bad += unnamed_controls(b)
    b.find_element(By.ID, "purpose").send_keys(PURPOSE)
    b.find_element(By.CSS_SELECTOR, "label[for=urgency-urgent]").click()
    submit(b, "form.say button[type=submit]")
    if "Thank you" not in r.page(b)[1]:
        bad.append("no thanks after saying why: %r" % r.page(b)[1][:300])
    said = r.audit(event="purpose", reference=r.held["referral"], purpose=PURPOSE,
                   urgency="urgent", source="web")
    if len(said) != 1:
        bad.append("the purpose is not on the audit trail: %r" % r.audit(event="purpose"))
    return bad, []


def t_queue_urgent_first(r):
    if not r.dsl:
        return ["no signed-in browser"], []
    bad, hostile = r.hold_one("hostile", pflab.load_mail("review-referral.eml", to=[INSECURE])
                              .replace(b"Subject: Referral for the Year 2 pupil - please read "
                                       b"before Thursday", b"Subject: " +
                                       HOSTILE_SUBJECT.encode()))
    r.dsl.get(r.lab.base + "/queue")
    src, text = r.page(r.dsl)
    items = r.dsl.find_elements(By.CSS_SELECTOR, ".queue > li h2")
    refs = [i.text for i in items]
    if refs[:1] != [r.held["referral"]] or hostile not in refs:
        bad.append("the queue is %r; the urgent %s should come first" % (refs, r.held["referral"]))
    for want in ("Sender says urgent", PURPOSE, SENDER, INSECURE, "an NHS number (high)"):
        if want not in text:
            bad.append("the queue does not say %r" % want)
    if not no_identifier(src):
        bad.append("the queue holds the NHS number")
    bad += unnamed_controls(r.dsl)
    return bad, refs


def t_hostile_subject_stays_text(r):
    ref = r.held.get("hostile")
    if not r.dsl or not ref:
        return ["no hostile message from the check before"], []
    r.dsl.get(r.lab.base + "/message/" + ref)
    src, text = r.page(r.dsl)
    bad = []
    if r.dsl.execute_script("return window.pwned === undefined") is not True:
        bad.append("the subject ran as script")
    if "&lt;script&gt;window.pwned=1&lt;/script&gt;" not in src:
        bad.append("the subject is not shown, escaped")
    if r.dsl.find_elements(By.CSS_SELECTOR, "main script, main img"):
        bad.append("the subject became markup")
    return bad, []


def t_second_browser_refused(r):
    ref = r.held.get("referral")
    b = r.lab.browser()
    bad = []
    for path in ("/message/" + ref, "/queue"):
        b.get(r.lab.base + path)
        src, text = r.page(b)
        if "Sign in" not in b.title or ref in text or "[NHS number]" in src:
            bad.append("%s without a session showed %r at %s" % (path, b.title, b.current_url))
    return bad, [b.current_url]


def post(r, path, fields=None, cookie=None):
    """A form posted from outside the page, or a GET without fields:
    (status, body)."""
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    req = urllib.request.Request(r.lab.base + path, data=data,
                                 method="POST" if data is not None else "GET")
    if cookie:
        req.add_header("Cookie", "__Host-safeshare=" + cookie)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def t_forged_post_refused(r):
    ref = r.held.get("referral")
    cookie = (r.dsl.get_cookie("__Host-safeshare") or {}).get("value")
    before = len(r.mail())
    fields = {"decision": "release", "reason": "forged"}
    bad = []
    for what, c, f in (("no session", None, fields),
                       ("the DSL's session, no form token", cookie, fields),
                       ("the DSL's session, a made-up token", cookie,
                        dict(fields, csrf="0" * 64))):
        status, body = post(r, "/message/" + ref, f, c)
        if status != 403 or "Nothing was changed" not in body and "nothing was changed" not in body:
            bad.append("a forged post with %s: %d" % (what, status))
    time.sleep(SETTLE)
    rc, out, err = r.ctl("quarantine", "list")
    if ref not in out or len(r.mail()) != before or r.audit(event="release"):
        bad.append("a forged post changed something: %s" % out)
    return bad, []


def focused(b):
    """The focused element: its tag, id and text."""
    return b.execute_script("var e = document.activeElement; "
                            "return [e.tagName, e.id, e.textContent.trim().slice(0, 40)];")


def keyboard_release(b):
    """Release with the keyboard alone, as someone who uses no mouse would:
    Tab from the top to the skip link, on to "Go to your decision", Enter;
    Tab to the choice, Space; Tab to the reason and the note, typing; Tab to
    the button, Enter. Returns what did not go as expected."""
    bad, steps = [], []
    b.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    body = b.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    if focused(b)[2] != "Skip to the main content":
        bad.append("the first Tab does not reach the skip link: %r" % focused(b))
    for _ in range(10):
        if focused(b)[2] == "Go to your decision":
            break
        b.switch_to.active_element.send_keys(Keys.TAB)
        steps.append(focused(b))
    b.switch_to.active_element.send_keys(Keys.ENTER)
    for key, want, text in ((Keys.TAB, "decision-release", Keys.SPACE),
                            (Keys.TAB, "reason", REASON), (Keys.TAB, "note", NOTE)):
        b.switch_to.active_element.send_keys(key)
        if focused(b)[1] != want:
            bad.append("Tab reached %r, not %s (after %r)" % (focused(b), want, steps))
        b.switch_to.active_element.send_keys(text)
    b.switch_to.active_element.send_keys(Keys.TAB)
    if focused(b)[0] != "BUTTON" or focused(b)[2] != "Record my decision":
        bad.append("Tab reached %r, not the button" % focused(b))
    old = b.find_element(By.TAG_NAME, "html")
    b.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(b, 20).until(expected_conditions.staleness_of(old))
    return bad


def unnamed_controls(b):
    """Links, buttons and fields of the current page that assistive
    technology would announce without a name (Chromium's accessibility
    tree)."""
    tree = b.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    roles = {"link", "button", "textbox", "radio", "checkbox", "combobox"}
    controls = [n for n in tree if not n.get("ignored")
                and n.get("role", {}).get("value") in roles]
    if not controls:
        return ["the accessibility tree of %s has no controls at all" % b.current_url]
    return ["a %s without a name on %s" % (n["role"]["value"], b.current_url)
            for n in controls if not (n.get("name") or {}).get("value")]


def t_release_in_browser(r):
    ref = r.held.get("referral")
    b = r.dsl
    b.get(r.lab.base + "/queue")
    r.screenshot(b, "review-queue.png")
    b.get(r.lab.base + "/message/" + ref)
    r.screenshot(b, "review-message.png")
    r.screenshot(b, "review-message-phone.png", width=390, mobile=True)
    before = len(r.mail())
    bad = unnamed_controls(b)
    bad += keyboard_release(b)
    text = r.page(b)[1]
    if not b.current_url.endswith("/queue") or ref + " was released and sent on" not in text:
        bad.append("after releasing: %s %r" % (b.current_url, text[:300]))
    try:
        pflab.wait_for(lambda: len(r.mail()) >= before + 1, 20, "the released message")
    except pflab.LabError:
        return bad + ["released but nothing reached the sink"], [r.lab.milter_stderr()[-1500:]]
    time.sleep(3 * SETTLE)
    new = r.delivered_since(before)
    if len(new) != 1:
        bad.append("delivered %d times" % len(new))
    elif TOKEN_HEADER in headers_of(new[0][1]) or new[0][0]["rcpts"] != ["<%s>" % INSECURE]:
        bad.append("delivered with %r, headers %r" % (new[0][0], headers_of(new[0][1])))
    rel = r.audit(event="release", reference=ref, reviewer=FULL_NAME, login=REVIEWER,
                  source="web", reason=REASON, note=NOTE, purpose=PURPOSE)
    if len(rel) != 1:
        bad.append("no release record with reviewer, reason, note and purpose: %r"
                   % r.audit(event="release"))
    if not [a for a in r.lab.audit_records() if a.get("rule") == "ReleasedByDSL"
            and any(ref in x and REASON in x for x in a.get("reasons", []))]:
        bad.append("the milter did not record the delivery as ReleasedByDSL with the reason")
    rc, out, err = r.ctl("quarantine", "list", "--state", "delivered")
    if ref not in out:
        bad.append("%s is not delivered: %s" % (ref, out))
    return bad, []


def t_sender_told_once(r):
    ref = r.held.get("referral")
    bad = []
    text = check_notice(r, "released", ref, [SENDER], [
        ref, FULL_NAME + " has checked your message", "Their reason: " + REASON,
        "A note from %s: %s" % (FULL_NAME, NOTE)], bad)
    time.sleep(SETTLE)
    kinds = [k for k, rf, env, raw in r.notices() if rf == ref]
    if sorted(kinds) != ["held", "released", "waiting"]:
        bad.append("notices about %s: %r, not one held, waiting and released" % (ref, kinds))
    return bad, ["released: " + text[:400]]


def link_token(r, kind, ref, expires):
    """A link token as safeshare signs one (certs/link.h), made here from
    the lab's ReleaseKey: how an old notice's link looks once it expires."""
    with open(r.lab.release_key, "rb") as f:
        key = hmac.new(f.read(), b"safeshare review links v1", hashlib.sha256).digest()
    msg = ("%s\n%s\n%d" % (kind, ref, expires)).encode()
    return "v1.%d.%s" % (expires, hmac.new(key, msg, hashlib.sha256).hexdigest()[:32])


def t_bad_links_refused(r):
    """An expired link, an edited expiry, and a link for another page or
    message open nothing: not for a stranger, not for the signed-in DSL."""
    ref, other = r.held.get("referral"), r.held.get("hostile")
    if "dsl" not in r.links or "sender" not in r.links or not other:
        return ["no links from the first check"], []
    bad = []
    expired = link_token(r, "d", ref, int(time.time()) - 60)
    good = link_token(r, "d", ref, int(time.time()) + 3600)
    if not r.links["dsl"].startswith(r.lab.base + "/review/%s?t=v1." % ref):
        bad.append("the notice's link is not where the test expects: %s" % r.links["dsl"])
    edited = re.sub(r"t=v1\.(\d+)\.", lambda m: "t=v1.%d." % (int(m.group(1)) + 86400),
                    r.links["dsl"])
    sender_tok = r.links["sender"].partition("?t=")[2]
    cases = [("an expired link", "/review/%s?t=%s" % (ref, expired)),
             ("a link with its expiry edited", edited[len(r.lab.base):]),
             ("the link for another message", "/review/%s?t=%s" % (other, good)),
             ("the sender's link on the DSL's page", "/review/%s?t=%s" % (ref, sender_tok)),
             ("the DSL's link on the sender's page",
              "/sender/%s?t=%s" % (ref, r.links["dsl"].partition("?t=")[2]))]
    for what, path in cases:
        status, body = post(r, path)
        if status != 410 or "has expired" not in body or "[NHS number]" in body \
                or "Your decision" in body or "Why does it need" in body:
            bad.append("%s (no session): %d" % (what, status))
    # The signed-in DSL too: an expired link is not a way round its check.
    r.dsl.get(r.lab.base + cases[0][1])
    src, text = r.page(r.dsl)
    if "This link has expired" not in text or "Your decision" in text:
        bad.append("the signed-in DSL's browser opened an expired link: %r" % text[:300])
    # A fresh link made the same way does open: the test signs as safeshare does.
    status, body = post(r, "/review/%s?t=%s" % (ref, good))
    if status != 200 or "Sign in" not in body:
        bad.append("a good link made by the test was refused (%d): the test is wrong" % status)
    return bad, [c[0] for c in cases]


def sign_in(b, base, name, password):
    b.get(base + "/")
    b.find_element(By.ID, "name").send_keys(name)
    b.find_element(By.ID, "password").send_keys(password)
    submit(b, "form button[type=submit]")
    return r_text(b)


def r_text(b):
    return b.find_element(By.TAG_NAME, "body").text


def t_wrong_reviewer_refused(r):
    """A wrong password or an unknown name signs no one in; a reviewer
    whose account is removed is signed out at their next page."""
    bad = []
    b = r.lab.browser()
    for name, pw in ((REVIEWER, "not the password"), ("mallory", PASSWORD)):
        text = sign_in(b, r.lab.base, name, pw)
        if "That name and password do not match an account" not in text:
            bad.append("signing in as %s with a wrong password: %r" % (name, text[:200]))
        b.get(r.lab.base + "/queue")
        if "Sign in" not in b.title:
            bad.append("after a failed sign-in as %s the queue opened" % name)
    p = subprocess.run([ctl_binary(), "-c", r.lab.milter_config, "reviewer", "add", OTHER,
                        "--full-name", "Mr Ben Okafor"], input=(OTHER_PASSWORD + "\n").encode(),
                       capture_output=True, timeout=60)
    rc, err = p.returncode, p.stderr.decode(errors="replace")
    if rc != 0:
        return bad + ["reviewer add %s: %s" % (OTHER, err)], []
    sign_in(b, r.lab.base, OTHER, OTHER_PASSWORD)
    if "Messages waiting for your review" not in r_text(b):
        bad.append("the new reviewer could not sign in: %r" % r_text(b)[:200])
    rc, out, err = r.ctl("reviewer", "remove", OTHER)
    if rc != 0:
        bad.append("reviewer remove %s: %s" % (OTHER, err))
    b.get(r.lab.base + "/message/" + r.held["hostile"])
    src, text = r.page(b)
    if "Sign in" not in b.title or "Your decision" in text or "[NHS number]" in src:
        bad.append("a removed reviewer still reads held mail: %r" % b.title)
    if r.audit(event="view", login=OTHER, reference=r.held["hostile"]):
        bad.append("a removed reviewer's look was recorded as a view")
    return bad, []


def t_refuse_in_browser(r):
    """Refuse with the mouse: never delivered, the sender told once with
    the reason and the note, the audit has it with the reviewer."""
    ref = r.held.get("hostile")
    if not r.dsl or not ref:
        return ["no hostile message or browser from the checks before"], []
    b = r.dsl
    b.get(r.lab.base + "/message/" + ref)
    before = len(r.mail())
    # First without a reason: the browser asks for it and nothing is sent.
    b.find_element(By.CSS_SELECTOR, "label[for=decision-refuse]").click()
    b.find_element(By.CSS_SELECTOR, "form.decide button[type=submit]").click()
    bad = []
    time.sleep(0.5)
    if not b.execute_script("return document.getElementById('reason').validity.valueMissing") \
            or not b.current_url.endswith("/message/" + ref) \
            or r.audit(event="refuse", reference=ref):
        bad.append("a refusal without a reason went ahead: %s" % b.current_url)
    b.find_element(By.ID, "reason").send_keys(REFUSE_REASON)
    b.find_element(By.ID, "note").send_keys(REFUSE_NOTE)
    submit(b, "form.decide button[type=submit]")
    if ref + " was refused: it will not be sent." not in r_text(b):
        bad.append("after refusing: %s %r" % (b.current_url, r_text(b)[:300]))
    check_notice(r, "refused", ref, [SENDER], [
        ref, "It has not been sent, and it will not be", "Their reason: " + REFUSE_REASON,
        "A note from %s: %s" % (FULL_NAME, REFUSE_NOTE)], bad)
    time.sleep(SETTLE)
    if len(r.mail()) != before:
        bad.append("a refused message reached the sink")
    kinds = sorted(k for k, rf, env, raw in r.notices() if rf == ref)
    if kinds != ["held", "refused", "waiting"]:
        bad.append("notices about %s: %r, not one held, waiting and refused" % (ref, kinds))
    if len(r.audit(event="refuse", reference=ref, reviewer=FULL_NAME, login=REVIEWER,
                   source="web", reason=REFUSE_REASON, note=REFUSE_NOTE)) != 1:
        bad.append("no refuse record with the reviewer, reason and note: %r"
                   % r.audit(event="refuse"))
    rc, out, err = r.ctl("quarantine", "list", "--state", "refused")
    if ref not in out:
        bad.append("%s is not refused: %s" % (ref, out))
    return bad, []


def t_report_in_browser(r):
    """The DSL opens Report from the page header: the audit report of the
    last 30 days, its held figure the trail's, its charts drawn and styled
    (its own CSP lets its inline style in, and no script), no identifier;
    a date that is not one is a 400."""
    b = r.dsl
    if not b:
        return ["no signed-in browser from the checks before"], []
    b.get(r.lab.base + "/queue")
    b.find_element(By.CSS_SELECTOR, "header nav a[href='/report']").click()
    WebDriverWait(b, 20).until(lambda d: d.current_url.endswith("/report"))
    src, text = r.page(b)
    bad = []
    if b.find_element(By.TAG_NAME, "h1").text != "Audit report":
        bad.append("Report opened %s %r" % (b.current_url, text[:200]))
    bars = [e for e in b.find_elements(By.CSS_SELECTOR, "section svg rect") if e.is_displayed()]
    if not bars:
        bad.append("the report shows no chart")
    held = len(r.audit(action="quarantine"))
    tile = b.find_elements(By.XPATH, "//div[@class='tile'][span='held for the DSL']/b")
    if not tile or tile[0].text != str(held):
        bad.append("the report's held figure is %r, the trail has %d"
                   % (tile[0].text if tile else None, held))
    if tile and tile[0].value_of_css_property("font-size") != "30px":
        bad.append("the report's inline style was not applied (its CSP?)")
    if not no_identifier(src) or "<script" in src.lower() or r.held["referral"] in src:
        bad.append("the report's source holds an identifier, a reference or a script")
    bad += unnamed_controls(b)
    r.screenshot(b, "review-report.png")
    cookie = (b.get_cookie("__Host-safeshare") or {}).get("value")
    status, body = post(r, "/report?from=2026-02-30", None, cookie)
    if status != 400 or "Those dates are not a period" not in body:
        bad.append("a date that is not one: %d" % status)
    return bad, ["%d bars, held %d" % (len(bars), held)]


def t_no_identifier_in_logs(r):
    bad = []
    for p in r.lab.log_files() + [r.lab.review_log]:
        if not no_identifier(read_text(p)):
            bad.append("%s holds the NHS number in clear" % p)
    return bad, []


CHECKS = [
    (t_held_with_links, "an insecure referral is held; the DSL's notice links to its page "
                        "(no safesharectl), the sender's notice to theirs"),
    (t_link_asks_for_sign_in, "the DSL opens the link as delivered: sign-in first, then the "
                              "message page; the session cookie is Secure, HttpOnly, Strict"),
    (t_page_without_identifier, "the message page shows text, attachment and recipients with "
                                "no identifier in its source; the look is audited with the "
                                "reviewer"),
    (t_sender_says_why, "the sender's link opens a page without the message; they say why and "
                        "how urgent; it is audited as the purpose"),
    (t_queue_urgent_first, "the queue puts the urgent one first with what the sender says; "
                           "no identifier"),
    (t_hostile_subject_stays_text, "a hostile subject is shown as text and runs nothing"),
    (t_second_browser_refused, "a second browser with no session gets the sign-in page, "
                               "not the message or the queue"),
    (t_forged_post_refused, "forged form posts (no session; no token; a made-up token) are "
                            "refused (403) and change nothing"),
    (t_release_in_browser, "release with a reason, keyboard only, every control named: "
                           "delivered once, token stripped, audited with reviewer, reason, "
                           "note and purpose"),
    (t_sender_told_once, "the sender is told once, with the reason and the note"),
    (t_bad_links_refused, "an expired link, an edited expiry, another message's or page's "
                          "link open nothing, even for the signed-in DSL"),
    (t_wrong_reviewer_refused, "a wrong password or unknown name signs no one in; a removed "
                               "reviewer is signed out at their next page"),
    (t_refuse_in_browser, "refuse with a reason: never delivered, the sender told once with "
                          "the reason and note, audited with the reviewer"),
    (t_report_in_browser, "Report in the header opens the audit report: the trail's held "
                          "figure, charts drawn and styled, no identifier; a bad date is 400"),
    (t_no_identifier_in_logs, "no log holds the NHS number in clear"),
]


def main():
    return pflab.run_tap(CHECKS, ReviewLab, lambda lab: (Review(lab),))


if __name__ == "__main__":
    sys.exit(main())
