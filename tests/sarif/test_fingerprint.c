/*
 * test_fingerprint.c: primaryLocationLineHash (fingerprint.c) against the
 * values GitHub's own implementation gives.
 *
 * The ASCII cases and their hashes are those of codeql-action's
 * src/fingerprints.test.ts.  The non-ASCII and invalid UTF-8 cases were
 * computed by running that algorithm in Node (which reads the file as UTF-16
 * code units, after decoding UTF-8 with U+FFFD for bad bytes).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vtlint.h"

/* Every line's hash of text, in order, as upstream's test compares them. */
static void expect(const char *text, size_t len, const char *const *want, size_t n)
{
	vt_line_hashes *h = vt_line_hashes_text(text, len);
	char buf[VT_LINE_HASH_SIZE];

	ck_assert_uint_eq(vt_line_hashes_count(h), n);
	for (size_t i = 0; i < n; i++) {
		ck_assert(vt_line_hashes_get(h, (unsigned)i + 1, buf));
		ck_assert_msg(!strcmp(buf, want[i]), "line %zu: got %s, want %s", i + 1, buf,
			      want[i]);
	}
	ck_assert(!vt_line_hashes_get(h, (unsigned)n + 1, buf));
	ck_assert(!vt_line_hashes_get(h, 0, buf));
	vt_line_hashes_free(h);
}

#define EXPECT(text, ...)                                                     \
	do {                                                                  \
		static const char *const want_[] = { __VA_ARGS__ };           \
		expect(text, sizeof text - 1, want_, sizeof want_ / sizeof *want_); \
	} while (0)

START_TEST(empty)
{
	EXPECT("", "c129715d7a2bc9a3:1");
}
END_TEST

START_TEST(blanks_skipped)
{
	EXPECT(" a\nb\n  \t\tc\n d", "271789c17abda88f:1", "54703d4cd895b18:1",
	       "180aee12dab6264:1", "a23a3dc5e078b07b:1");
	EXPECT(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End", "8b7cf3e952e7aeb2:1",
	       "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1",
	       "b86d3392aea1be30:1", "e6ceba753e1a442:1");
}
END_TEST

/* LF, CR, CRLF and mixtures hash alike; a final line end starts one more line. */
START_TEST(line_ends)
{
#define GREETINGS "e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", \
		  "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",  \
		  "c129715d7a2bc9a3:1"
	EXPECT(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", GREETINGS);
	EXPECT(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", GREETINGS);
	EXPECT(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", GREETINGS);
	EXPECT(" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", GREETINGS);
#undef GREETINGS
}
END_TEST

/* The same 100 characters from two lines: told apart by ":N". */
START_TEST(repeats_numbered)
{
#define LOREM "Lorem ipsum dolor sit amet.\n"
	EXPECT(LOREM LOREM LOREM LOREM LOREM LOREM LOREM LOREM LOREM LOREM,
	       "a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3",
	       "a7f2ff13bc495cf2:4", "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6",
	       "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1",
	       "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1");
#undef LOREM
}
END_TEST

/* A line longer than the window, then a tab-indented CRLF line. */
START_TEST(long_line)
{
	EXPECT("int f(void) { x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1; "
	       "x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1; "
	       "x = x + 1; }\n\tvtask_await(v, 0);\r\n",
	       "a52edb2f3122485a:1", "5a94f5e3dbabf9ad:1", "c129715d7a2bc9a3:1");
}
END_TEST

/* UTF-16 code units: é and € one each, an emoji two (a surrogate pair). */
START_TEST(utf8_decoded)
{
	EXPECT("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\nx", "a2540cedfb2adc7:1",
	       "638816509450efbf:1");
}
END_TEST

/* Bad bytes become U+FFFD, one per maximal invalid sequence, as Node decodes them. */
START_TEST(invalid_utf8)
{
	EXPECT("a\xff\xc3(b\xe2\x82\n\r\xc0\xaf\n", "e4b5c06a29763655:1",
	       "198d5ca79b10e305:1", "b94e3e336a503d4f:1", "c129715d7a2bc9a3:1");
}
END_TEST

/* From a file, as the SARIF formatter and --format json use it. */
START_TEST(from_file)
{
	char path[] = "/tmp/vtlint-fp-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n";
	char *h;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof text - 1), (int)sizeof text - 1);
	close(fd);
	h = vt_line_hash(path, 2);
	ck_assert_str_eq(h, "fb7c023a8b9ccb3f:1");
	free(h);
	h = vt_line_hash(path, 6);
	ck_assert_str_eq(h, "c8e28b0b4002a3a0:1");
	free(h);
	ck_assert_ptr_null(vt_line_hash(path, 8));
	unlink(path);
	ck_assert_ptr_null(vt_line_hash(path, 1));
	ck_assert_ptr_null(vt_line_hashes_file(path));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fingerprint");
	TCase *c = tcase_create("line hash");

	tcase_add_test(c, empty);
	tcase_add_test(c, blanks_skipped);
	tcase_add_test(c, line_ends);
	tcase_add_test(c, repeats_numbered);
	tcase_add_test(c, long_line);
	tcase_add_test(c, utf8_decoded);
	tcase_add_test(c, invalid_utf8);
	tcase_add_test(c, from_file);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	return vt_test_run(suite());
}
