/* Which reader reads an attachment (or an entry inside an archive).
 *
 * The kind comes from ssx_sniff (magic bytes, then content type, then the
 * name). ZIP-based files are told apart by the entries they hold, not by
 * their name: a "report.docx" that is really a plain ZIP of spreadsheets
 * is read as the ZIP it is. Runs inside the worker. */
#include "fmt_int.h"

#include <stdio.h>
#include <string.h>

static int zip_family(const unsigned char *data, size_t len, const char *sub,
                      const ss_attach_limits *lim, int depth, ssx_out *o)
{
    ssx_entries names = { 0 };
    ssx_reader *r = NULL;
    if (ssx_zip_names(data, len, lim->max_entries + 1, &names) == 0) {
        if (ssx_entry_find(&names, "word/document.xml"))
            r = ssx_read_docx;
        else if (ssx_entry_find(&names, "xl/workbook.xml"))
            r = ssx_read_xlsx;
        else if (ssx_entry_find(&names, "ppt/presentation.xml"))
            r = ssx_read_pptx;
        else if (ssx_entry_find(&names, "mimetype") &&
                 ssx_entry_find(&names, "content.xml"))
            r = ssx_read_odf;
    }
    ssx_entries_free(&names);
    if (!r)
        return ssx_read_archive(data, len, sub, lim, depth, o, ssx_read_any);
    return r(data, len, sub, lim, depth, o);
}

static int read_text(const unsigned char *data, size_t len, const char *sub,
                     ssx_out *o)
{
    ss_buf b = SS_BUF_INIT;
    ssx_text_decode(&b, data, len, NULL);
    ssx_emit(o, sub, "", &b);
    ss_buf_free(&b);
    return 0;
}

static int not_read(const unsigned char *data, size_t len, const char *sub,
                    const char *ctype, ssx_out *o)
{
    char what[72], why[128];
    ssx_describe(data, len, ctype, what, sizeof what);
    snprintf(why, sizeof why, "this kind of file is not read (%s)", what);
    o->skip(o, sub, why, !ssx_media_only(data, len, ctype));
    return 0;
}

static int read_pdf(const unsigned char *data, size_t len, const char *sub,
                    const ss_attach_limits *lim, int depth, ssx_out *o)
{
#ifdef SS_HAVE_PDF
    return ssx_read_pdf(data, len, sub, lim, depth, o);
#else
    o->skip(o, sub, "PDF attachments are not read yet", 0);
    return 0;
#endif
}

int ssx_read_any(const unsigned char *data, size_t len, const char *sub,
                 const char *name, const char *ctype,
                 const ss_attach_limits *lim, int depth, ssx_out *o)
{
    switch (ssx_sniff(data, len, ctype, name)) {
    case SSX_EMPTY:
        return 0;
    case SSX_TEXT:
        return read_text(data, len, sub, o);
    case SSX_ZIP:
        if ((size_t)depth > lim->max_archive_depth) {
            o->skip(o, sub, "archives are nested too deeply", 1);
            return -1;
        }
        return zip_family(data, len, sub, lim, depth, o);
    case SSX_PDF:
        return read_pdf(data, len, sub, lim, depth, o);
    case SSX_RTF:
        return ssx_read_rtf(data, len, sub, lim, depth, o);
    case SSX_TNEF:
        return ssx_read_tnef(data, len, sub, lim, depth, o, ssx_read_any);
    case SSX_OLE:
        o->skip(o, sub, "old-style (.doc, .xls) and password-protected Office "
                "files cannot be read", 1);
        return -1;
    case SSX_OTHER:
    default:
        return not_read(data, len, sub, ctype, o);
    }
}
