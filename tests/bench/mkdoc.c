/* Documents for `make bench-e2e` drawn the way real producers draw them
 * (cairo, as LibreOffice and many PDF printers do: embedded subset
 * TrueType fonts, ToUnicode maps, Flate streams), so the readers do real
 * work on them. Deterministic: the same text on every run.
 *
 *   mkdoc letter OUT.pdf     a one-page letter about a pupil
 *   mkdoc scan OUT.png       the same letter as a phone photo would hold it
 *                            (a 150 dpi greyscale page), for OCR
 *   mkdoc scanpdf OUT.pdf    that page as an image-only PDF (a scanner's)
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <string.h>

#define A4_W 595.0
#define A4_H 842.0

static const char *const letter[] = {
    "St Mary's Primary School, Church Lane, Exampleshire",
    "",
    "To: Children's Services, Exampleshire Council",
    "Date: 3 November 2026",
    "",
    "OFFICIAL-SENSITIVE",
    "",
    "Re: Alfie Smith, date of birth 14/03/2017, NHS number 943 476 5919",
    "",
    "Dear colleague,",
    "",
    "I am writing to follow up the strategy meeting held on Monday about",
    "the pupil named above, who is in Year 4 at our school. His attendance",
    "has fallen to 71 per cent this term and his class teacher has noted",
    "bruising on his forearm on two occasions, which he explained as falls",
    "in the playground. His mother has not attended the last two meetings.",
    "",
    "As agreed at the meeting, the school will continue to record any",
    "concerns on the same day and share them with the social worker. Our",
    "designated safeguarding lead is available on 01632 960123.",
    "",
    "Please let me know if you need anything further for the child",
    "protection conference.",
    "",
    "Yours sincerely,",
    "",
    "Ms Amara Patel",
    "Designated Safeguarding Lead",
};
#define NLINES (sizeof letter / sizeof *letter)

/* The letter at scale (1 = PDF points). */
static void draw(cairo_t *cr, double scale)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11 * scale);
    for (size_t i = 0; i < NLINES; i++) {
        cairo_move_to(cr, 60 * scale, (80 + 18 * (double)i) * scale);
        cairo_show_text(cr, letter[i]);
    }
}

static int pdf(const char *out)
{
    cairo_surface_t *s = cairo_pdf_surface_create(out, A4_W, A4_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Letter about a pupil");
    cairo_t *cr = cairo_create(s);
    draw(cr, 1);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    int bad = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    return bad;
}

/* The page as pixels: 150 dpi, grey. */
static cairo_surface_t *page_image(void)
{
    double scale = 150.0 / 72.0;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(A4_W * scale),
                                                      (int)(A4_H * scale));
    cairo_t *cr = cairo_create(img);
    draw(cr, scale);
    cairo_destroy(cr);
    return img;
}

static int scan(const char *out)
{
    cairo_surface_t *img = page_image();
    int bad = cairo_surface_write_to_png(img, out) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(img);
    return bad;
}

static int scanpdf(const char *out)
{
    cairo_surface_t *img = page_image();
    cairo_surface_t *s = cairo_pdf_surface_create(out, A4_W, A4_H);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 72.0 / 150.0, 72.0 / 150.0);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    int bad = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    cairo_surface_destroy(img);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "letter") == 0)
        return pdf(argv[2]);
    if (argc == 3 && strcmp(argv[1], "scan") == 0)
        return scan(argv[2]);
    if (argc == 3 && strcmp(argv[1], "scanpdf") == 0)
        return scanpdf(argv[2]);
    fprintf(stderr, "usage: mkdoc letter|scan|scanpdf OUT\n");
    return 2;
}
