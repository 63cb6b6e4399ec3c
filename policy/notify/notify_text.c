/* The built-in notices, in one place so they can be read and edited as
 * text. The format is a template file's (man safeshare.conf(5), NOTICES):
 * a Subject: line, an empty line, the body. Lines that start with a
 * letter are joined into paragraphs and re-wrapped after the values go
 * in; indented lines are kept as they are. A line that uses a
 * placeholder with no value (no DSLContact, no SecurePortalURL, ...) is
 * left out, so each such line must make sense on its own.
 *
 * The sender's notices are written for a practitioner who has just tried
 * to protect a child: nothing in them may read as a telling-off, and each
 * says what happens next and what to do if it cannot wait. */
#include "notify.h"

static const char held[] =
    "Subject: Your message is being checked before it goes ({reference})\n"
    "\n"
    "Hello,\n"
    "\n"
    "Your message to {recipients} (sent {received}) has not gone yet.\n"
    "It is being kept safe so that {dsl_name} can check it first.\n"
    "You have not done anything wrong: sharing information to keep a child\n"
    "safe is the right thing to do, and this check is only about the route\n"
    "it takes.\n"
    "\n"
    "Why it is being checked: it was going to an address that is not on the\n"
    "list of secure addresses, and it may hold information about a child.\n"
    "What we noticed: {found}.\n"
    "\n"
    "What happens next: {dsl_name} has been told and will look at it as\n"
    "soon as they can. They will either send it on as it is, or stop it and\n"
    "tell you why. Either way we will email you as soon as they decide. You\n"
    "do not need to send it again.\n"
    "\n"
    "It helps {dsl_name} to know why it needs to go and how urgent it is. You can tell them on this page, which shows only what was found, never your message (the link works until {link_expires}): {sender_link}\n"
    "\n"
    "If a child may be at risk, please do not wait for this check: talk to\n"
    "{dsl_name} now, or send the information to the recipient's secure\n"
    "email address.\n"
    "  - You can reach {dsl_name} at: {dsl_contact}\n"
    "  - You can share it through the secure portal: {portal_url}\n"
    "\n"
    "Your reference is {reference}. Please quote it if you ask about this\n"
    "message.\n"
    "\n"
    "{site_name}\n";

static const char waiting[] =
    "Subject: A message is waiting for your review ({reference})\n"
    "\n"
    "A message from {sender} is being held for you to review. It has not\n"
    "been sent.\n"
    "\n"
    "  Reference:       {reference}\n"
    "  From:            {sender}\n"
    "  To (not secure): {recipients}\n"
    "  Received:        {received}\n"
    "  What was found:  {found}\n"
    "\n"
    "  Read and decide: {review_link}\n"
    "  Read it:         {show_command}\n"
    "  Send it on:      {release_command}\n"
    "  Stop it:         {refuse_command}\n"
    "\n"
    "The link asks you to sign in, and works until {link_expires}.\n"
    "Identifiers such as NHS numbers are masked wherever you read it.\n"
    "\n"
    "The sender has been told that it is waiting for you, and will be told\n"
    "your decision and your reason. They may be waiting on it to protect a\n"
    "child, so please look at it as soon as you can.\n";

static const char released[] =
    "Subject: Your message has been sent ({reference})\n"
    "\n"
    "Hello,\n"
    "\n"
    "{reviewer} has checked your message to {recipients} (sent {received})\n"
    "and sent it on. It has now gone to the recipient as you wrote it; you\n"
    "do not need to do anything else.\n"
    "\n"
    "Their reason: {reason}\n"
    "\n"
    "A note from {reviewer}: {note}\n"
    "\n"
    "A tip for next time: if the recipient has a secure email address (for\n"
    "example an nhs.net, council or police.uk address), sending to that lets\n"
    "your message go straight away.\n"
    "\n"
    "Reference: {reference}\n"
    "\n"
    "{site_name}\n";

static const char refused[] =
    "Subject: Your message was not sent ({reference})\n"
    "\n"
    "Hello,\n"
    "\n"
    "{reviewer} has checked your message to {recipients} (sent {received})\n"
    "and decided it should not go that way. It has not been sent, and it\n"
    "will not be.\n"
    "\n"
    "Their reason: {reason}\n"
    "\n"
    "A note from {reviewer}: {note}\n"
    "\n"
    "This is about the route, not about you sharing. If the information\n"
    "still needs to reach someone, please send it securely, and today if a\n"
    "child may be at risk:\n"
    "  - to the recipient's secure email address (for example an nhs.net,\n"
    "    council or police.uk address)\n"
    "  - through the secure portal: {portal_url}\n"
    "  - or ask {dsl_name} for the best way\n"
    "    ({dsl_contact})\n"
    "\n"
    "Reference: {reference}\n"
    "\n"
    "{site_name}\n";

static const char reminder[] =
    "Subject: Reminder: messages waiting for your review ({count})\n"
    "\n"
    "These messages have been held for more than {hours} hours and are\n"
    "still waiting for a decision. Each sender has been told that their\n"
    "message is waiting for you; some may be waiting on it to protect a\n"
    "child.\n"
    "\n"
    "{list}\n"
    "\n"
    "  Open the queue:  {queue_link}\n"
    "  Read one:        {show_command}\n"
    "  Send it on:      {release_command}\n"
    "  Stop it:         {refuse_command}\n"
    "\n"
    "You will be reminded again while any of them is still waiting.\n";

/* For the admin and the DSL: what is wrong, what it means for people
 * sending mail, and what to do. Sent daily until it is fixed. */
static const char register_note[] =
    "Subject: The secure-domain register needs attention\n"
    "\n"
    "The list of secure email addresses that safeshare checks mail against\n"
    "(the secure-domain register) needs attention:\n"
    "\n"
    "  {problem}\n"
    "\n"
    "  Register in force: serial {serial}, goes stale at {expires}\n"
    "  Register file:     {register}\n"
    "\n"
    "While the register is out of date, safeshare cannot confirm that any\n"
    "address is secure, so shares of information about a child are held back\n"
    "or refused (OnRegisterStale in safeshare.conf). The people sending them\n"
    "are told the register is out of date, that it is not their fault, and to\n"
    "tell IT.\n"
    "\n"
    "What to do: install a newer signed register from its publisher (or find\n"
    "out why the automatic update fails), check it, and reload the milter:\n"
    "  safesharectl register check\n"
    "  kill -USR1 $(pidof safeshare-milter)\n"
    "\n"
    "This reminder is sent once a day until the register is up to date.\n"
    "\n"
    "{site_name}\n";

/* For whoever keeps the trail's head away from the mail server (the DPO):
 * the day's check of the audit trail, and the command that will prove
 * later that nothing up to today was changed or removed. */
static const char audit_note[] =
    "Subject: Audit trail check: {status}\n"
    "\n"
    "The audit trail that records each decision to share, or not, was\n"
    "checked today ({trail}):\n"
    "\n"
    "  {result}\n"
    "\n"
    "{problem}\n"
    "\n"
    "Please keep this message. It is a copy of where the trail stands today,\n"
    "kept away from the mail server. To prove later that no record up to\n"
    "here has been changed or removed, run this on the mail server:\n"
    "  safesharectl audit verify --head \\\n"
    "    {head}\n"
    "\n"
    "{site_name}\n";

const char *ss_notify_default(ss_note_kind k)
{
    switch (k) {
    case SS_NOTE_HELD: return held;
    case SS_NOTE_WAITING: return waiting;
    case SS_NOTE_RELEASED: return released;
    case SS_NOTE_REFUSED: return refused;
    case SS_NOTE_REMINDER: return reminder;
    case SS_NOTE_REGISTER: return register_note;
    case SS_NOTE_AUDIT: return audit_note;
    default: return NULL;
    }
}
