/* ss_html_to_text: what a reader sees, so digit groups split by markup
 * read as one number and hidden markup never hides real text;
 * ss_html_split: and, apart, what is delivered but not shown. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"

static void expect_text(const char *html, const char *want)
{
    size_t n = 12345;
    char *got = ss_html_to_text(html, strlen(html), &n);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
    free(got);
}

static void inline_tags_vanish(void **state)
{
    (void)state;
    expect_text("<b>943</b>&nbsp;476&#32;5919", "943\xc2\xa0" "476 5919");
    /* markup between digits: a word joiner, so detection reads it as
     * nothing and as a gap */
    expect_text("NHS <span style=\"x\">943</span><i>476</i><font>5919</font>",
                "NHS 943\xe2\x81\xa0" "476\xe2\x81\xa0" "5919");
    expect_text("<a href=\"x\">943</a> <u>476</u> <strong>59</strong><em>19</em>",
                "943 476 59\xe2\x81\xa0" "19");
}

static void block_tags_break_lines(void **state)
{
    (void)state;
    expect_text("<p>a</p><div>b</div>c<br>d<br/>e", "a\nb\nc\nd\ne");
    expect_text("<h1>Title</h1><ul><li>one</li><li>two</li></ul>",
                "Title\none\ntwo");
    expect_text("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>",
                "a b\nc");
}

static void named_entities(void **state)
{
    (void)state;
    expect_text("&pound;5 &euro;6 &ndash; &mdash; &hellip;",
                "\xc2\xa3" "5 \xe2\x82\xac" "6 \xe2\x80\x93 \xe2\x80\x94 \xe2\x80\xa6");
    expect_text("&lt;&gt;&quot;&apos;&amp;&copy;", "<>\"'&\xc2\xa9");
    expect_text("&lsquo;&rsquo;&ldquo;&rdquo;",
                "\xe2\x80\x98\xe2\x80\x99\xe2\x80\x9c\xe2\x80\x9d");
    expect_text("a&shy;b&zwj;c&zwnj;d",
                "a\xc2\xad" "b\xe2\x80\x8d" "c\xe2\x80\x8c" "d");
    expect_text("caf&eacute; &Uuml;ber &yuml;", "caf\xc3\xa9 \xc3\x9c" "ber \xc3\xbf");
    expect_text("&amp without semicolon", "& without semicolon");
}

static void numeric_entities(void **state)
{
    (void)state;
    expect_text("&#163;&#xA3;&#X20AC;", "\xc2\xa3\xc2\xa3\xe2\x82\xac");
    /* HTML5 reads 128..159 as windows-1252 */
    expect_text("&#150;&#128;", "\xe2\x80\x93\xe2\x82\xac");
    /* NUL, surrogates and out-of-range become U+FFFD, never wrap */
    expect_text("&#0;&#xD800;&#x110000;&#99999999999999999999;",
                "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    expect_text("943&#32;476&#x20;5919", "943 476 5919");
}

static void not_entities_stay_literal(void **state)
{
    (void)state;
    expect_text("fish & chips &bogus; &#; &#x; &", "fish & chips &bogus; &#; &#x; &");
}

static void hidden_content_dropped(void **state)
{
    (void)state;
    expect_text("<html><head><title>T</title><style>p{}</style></head>"
                "<body>x<script>var y;</script><style>z{}</style><!-- c -->w"
                "</body></html>", "xw");
    /* no </head>: <body> ends the head, the body is read */
    expect_text("<html><head><title>T</title><body>visible", "visible");
    expect_text("<!DOCTYPE html><?xml version=\"1.0\"?>ok<![CDATA[x]]>", "ok");
    expect_text("<SCRIPT type=x>a</SCRIPT >b<Style>c</STYLE>d", "bd");
}

static void expect_split(const char *html, const char *visible, const char *hidden)
{
    size_t n = 12345, hn = 12345;
    char *h = NULL;
    char *v = ss_html_split(html, strlen(html), &n, &h, &hn);
    assert_string_equal(v, visible);
    assert_int_equal(n, strlen(visible));
    assert_string_equal(h, hidden);
    assert_int_equal(hn, strlen(hidden));
    free(v);
    free(h);
}

/* What the recipient's mail program does not show is still delivered:
 * kept apart, each piece on its own line, never joined to visible text. */
static void hidden_text_kept_apart(void **state)
{
    (void)state;
    expect_split("<html><head><title>Ref 943 476 5919</title></head>"
                 "<body>hi</body></html>", "hi", "Ref 943 476 5919");
    expect_split("a<!-- NHS <b>943</b>&nbsp;476 5919 -->b", "ab",
                 "NHS 943\xc2\xa0" "476 5919");
    expect_split("x<script>var n = '943 476 5919';</script>y", "xy",
                 "var n = '943 476 5919';");
    expect_split("<style>/* 943\n476 5919 */</style>z", "z", "/* 943 476 5919 */");
    expect_split("<p>Dear parent</p><div style=\"color:red; DISPLAY : None\">NHS "
                 "<span>943</span> 476 <div>5919</div></div><p>Thanks</p>",
                 "Dear parent\nThanks", "NHS 943 476\n5919");
    /* the reader sees 943 476 5919; the hidden 12 joins nothing */
    expect_split("943 <span style=display:none>12</span>476 5919",
                 "943 476 5919", "12");
    expect_split("<!--943--><!--476-->v<!--5919-->", "v", "943\n476\n5919");
    /* void and self-closing elements hide nothing after them */
    expect_split("<img style=\"display:none\" src=x>seen<br style=display:none>"
                 "too<span style=display:none/>end", "seen\ntooend", "");
    /* Outlook's conditional comments hold markup; a head's comment is
     * read once, as it is */
    expect_split("<!--[if mso]><p>943</p><p>476</p><![endif]-->ok", "ok",
                 "[if mso]>\n943\n476\n<![endif]");
    expect_split("<head><!-- <b>1</b> --></head>ok", "ok", "<b>1</b>");
    /* no </head>: <body> ends it, and the body is visible */
    expect_split("<head><title>T</title><body>seen", "seen", "T");
}

/* Unclosed markup is read as text rather than swallowing the rest. */
static void malformed_reads_as_text(void **state)
{
    (void)state;
    expect_text("1 < 2 and 3 > 2", "1 < 2 and 3 > 2");
    expect_text("943 <b 476 5919", "943 <b 476 5919");
    expect_text("x<!-- 943 476 5919", "x<!-- 943 476 5919");
    expect_text("<script>943 476 5919", "943 476 5919");
    expect_text("<style>p{}", "p{}");
    expect_text("<", "<");
    expect_text("&", "&");
    expect_text("</", "</");
}

static void whitespace_collapses(void **state)
{
    (void)state;
    expect_text("  943\r\n   476\t5919  ", "943 476 5919");
    expect_text("<pre>a\n  b</pre>c  d", "a\n  b\nc d");
    expect_text("<p>  a  </p>  <p>  b  </p>", "a\nb");
}

static void empty_and_null(void **state)
{
    (void)state;
    size_t n = 9;
    char *t = ss_html_to_text(NULL, 0, &n);
    assert_string_equal(t, "");
    assert_int_equal(n, 0);
    free(t);
    t = ss_html_to_text("", 0, NULL);
    assert_string_equal(t, "");
    free(t);
    const char nul[] = "a\0b";
    t = ss_html_to_text(nul, 3, &n);
    assert_string_equal(t, "ab");
    free(t);
}

/* Hostile input must stay linear: each of these would be quadratic if a
 * failed search for '>' or "-->" were repeated from every '<'. */
static void hostile_input_is_linear(void **state)
{
    (void)state;
    const size_t n = 200000;
    const char *pats[] = { "<", "<a", "<!--", "&#", "<script>", "</", "<head>",
                           "<!--<head>", "<head><!--x-->", "<b style=display:none>",
                           "<p style=display:none>x</p>" };
    for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
        size_t pl = strlen(pats[k]);
        char *in = malloc(n * pl + 1);
        assert_non_null(in);
        for (size_t i = 0; i < n; i++)
            memcpy(in + i * pl, pats[k], pl);
        in[n * pl] = '\0';
        size_t outlen;
        char *hidden;
        size_t hlen;
        char *t = ss_html_split(in, n * pl, &outlen, &hidden, &hlen);
        assert_non_null(t);
        assert_true(outlen <= n * pl * 3);
        assert_true(hlen <= n * pl * 3);
        free(t);
        free(hidden);
        free(in);
    }
}

/* hostile class "html": text a reader sees in attributes and table rows */
static void shown_attributes_are_text(void **state)
{
    (void)state;
    expect_text("<p>Photo:</p><img src=\"cid:x\" alt=\"Jamie 943 476 5919\">",
                "Photo:\nJamie 943 476 5919");
    expect_text("<img src=x alt=943&#32;476&#32;5919>", "943 476 5919");
    expect_text("<input type=text value='943 476 5919' readonly>", "943 476 5919");
    expect_text("<input placeholder=\"943 476 5919\">", "943 476 5919");
    expect_text("<abbr title=\"943 476 5919\">NHS no.</abbr>", "943 476 5919\nNHS no.");
    expect_text("<span aria-label=\"943 476 5919\">x</span>", "943 476 5919\nx");
    /* attributes nobody sees stay out */
    expect_text("<a href=\"https://x/943\" class=\"c\" style=\"s\">link</a>", "link");
}

static void table_cells_join_as_a_row(void **state)
{
    (void)state;
    expect_text("<table><tr><td>943</td><td>476</td><td>5919</td></tr></table>",
                "943 476 5919");
    expect_text("<table><tr><td>943<td>476 5919</table>", "943 476 5919");
    expect_text("<table><tr><td>943&nbsp;</td><td>476&nbsp;5919</td></tr></table>",
                "943\xc2\xa0" "476\xc2\xa0" "5919");
    expect_text("<table><tr><td><table><tr><td>943 476</td></tr></table></td>"
                "<td>5919</td></tr></table>", "943 476 5919");
    /* rows stay lines */
    expect_text("<table><tr><td>a</td><td>b</td></tr>\n<tr><td>c</td></tr></table>",
                "a b\nc");
    expect_text("<table>\n<tr>\n<th>943</th>\n<th>476 5919</th>\n</tr>\n</table>",
                "943 476 5919");
    expect_text("<div style=\"display:table-row\"><div style=\"display:table-cell\">943 476"
                "</div><div style=\"display: table-cell\">5919</div></div>", "943 476 5919");
    expect_text("<span style=\"display:inline-block\">943</span>"
                "<span style=\"display:inline-block\">476 5919</span>", "943 476 5919");
    /* a comment or <wbr> between digits: a word joiner (read both ways) */
    expect_text("943<!-- x -->476 5919", "943\xe2\x81\xa0" "476 5919");
    expect_text("943<wbr>476<wbr>5919", "943\xe2\x81\xa0" "476\xe2\x81\xa0" "5919");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inline_tags_vanish),
        cmocka_unit_test(block_tags_break_lines),
        cmocka_unit_test(named_entities),
        cmocka_unit_test(numeric_entities),
        cmocka_unit_test(not_entities_stay_literal),
        cmocka_unit_test(hidden_content_dropped),
        cmocka_unit_test(hidden_text_kept_apart),
        cmocka_unit_test(malformed_reads_as_text),
        cmocka_unit_test(whitespace_collapses),
        cmocka_unit_test(empty_and_null),
        cmocka_unit_test(hostile_input_is_linear),
        cmocka_unit_test(shown_attributes_are_text),
        cmocka_unit_test(table_cells_join_as_a_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
