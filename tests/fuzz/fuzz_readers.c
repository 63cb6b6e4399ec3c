/* Each attachment reader on a hostile file, as the worker calls it. The
 * ZIP-based ones take their input either way fuzz.h describes (raw, or
 * entries wrapped into a ZIP so the fuzzer reaches the XML and the
 * reader's own logic); RTF and PDF take the bytes as they are. */
#include "fuzz.h"
#include "reader/reader.h"

/* Generous enough to read the seeds, small enough to stay fast. */
static const ss_attach_limits lim = { 4u << 20, 8u << 20, 3, 1000, 10, 0, 0 };

static int read_file(const uint8_t *data, size_t size, ssx_reader *r)
{
    ssx_out o;
    ss_fuzz_out(&o);
    r(data, size, "", &lim, 0, &o);
    return 0;
}

static int read_zip(const uint8_t *data, size_t size, ssx_reader *r)
{
    ss_buf file = SS_BUF_INIT;
    ss_fuzz_archive(data, size, &file);
    read_file((const uint8_t *)(file.p ? file.p : ""), file.len, r);
    ss_buf_free(&file);
    return 0;
}

/* A plain ZIP: every entry through the dispatcher, nested archives too. */
static int read_archive(const unsigned char *data, size_t len, const char *sub,
                        const ss_attach_limits *l, int depth, ssx_out *o)
{
    return ssx_read_archive(data, len, sub, l, depth, o, ssx_read_any);
}

SS_FUZZ_TARGET(fuzz_docx) { return read_zip(data, size, ssx_read_docx); }
SS_FUZZ_TARGET(fuzz_xlsx) { return read_zip(data, size, ssx_read_xlsx); }
SS_FUZZ_TARGET(fuzz_pptx) { return read_zip(data, size, ssx_read_pptx); }
SS_FUZZ_TARGET(fuzz_odf) { return read_zip(data, size, ssx_read_odf); }
SS_FUZZ_TARGET(fuzz_archive) { return read_zip(data, size, read_archive); }
SS_FUZZ_TARGET(fuzz_rtf) { return read_file(data, size, ssx_read_rtf); }
SS_FUZZ_TARGET(fuzz_pdf) { return read_file(data, size, ssx_read_pdf); }
