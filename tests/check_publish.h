#ifndef CHECK_PUBLISH_H
#define CHECK_PUBLISH_H

#include <check.h>

Suite *make_publish_suite(void);

/* Writes the test case (7 vendors, every status) with pub_write_tree()
 * under dir, for tests/browser.sh and tests/csaf-validate.sh. Returns 0,
 * or -1 after printing the reason. */
int publish_fixture_write(const char *dir);
/* Prints the test case as format (text, html, csaf, rss) in lang. */
int publish_fixture_render(const char *format, const char *lang);

#endif
