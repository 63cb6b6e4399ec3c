dnl safeshare-milter for Sendmail.  Add these lines to sendmail.mc, before
dnl the MAILER() lines, then rebuild sendmail.cf and restart Sendmail
dnl (INSTALL, "Sendmail"; safeshare-milter(8), "MTA SET-UP").
dnl
dnl S=  the milter's Socket (safeshare.conf).  Its directory must not be
dnl     writable by group or others, or Sendmail calls it "unsafe" and
dnl     tempfails every message.
dnl F=T tempfail when the milter cannot be reached or times out.  WITHOUT
dnl     F=T SENDMAIL PASSES MAIL UNCHECKED WHILE THE MILTER IS DOWN: it
dnl     fails open, and child data leaves insecurely.
dnl T=  C: connect 10s (Sendmail's default is 5 minutes per session);
dnl     S: sending to the milter 30s; R: reading a reply, above
dnl     MaxScanTime (60s by default) so a long scan is not cut off;
dnl     E: the whole end of message 5 minutes.
INPUT_MAIL_FILTER(`safeshare', `S=unix:/run/safeshare/safeshare.sock, F=T, T=C:10s;S:30s;R:2m;E:5m')dnl
dnl Macros.  These are Sendmail's default lists plus what safeshare reads:
dnl the queue id i at every stage from MAIL FROM on (its log lines and the
dnl audit record carry it), the client address {client_addr} and the
dnl authenticated user {auth_authen} (outgoing mail).  They replace the
dnl lists for every milter: merge them with another milter's if you have one.
define(`confMILTER_MACROS_CONNECT', ``j, _, {daemon_name}, {if_name}, {if_addr}, {client_addr}'')dnl
define(`confMILTER_MACROS_ENVFROM', ``i, {auth_type}, {auth_authen}, {auth_ssf}, {auth_author}, {mail_mailer}, {mail_host}, {mail_addr}'')dnl
define(`confMILTER_MACROS_ENVRCPT', ``i, {rcpt_mailer}, {rcpt_host}, {rcpt_addr}'')dnl
define(`confMILTER_MACROS_EOH', ``i'')dnl
define(`confMILTER_MACROS_EOM', ``i, {msg_id}'')dnl
