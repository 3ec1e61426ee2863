#ifndef CHECK_NET_H
#define CHECK_NET_H
#include <check.h>
Suite *make_tlscheck_suite(void);
Suite *make_smtp_suite(void);
Suite *make_imap_suite(void);
/* Makes the test certificates (once, in the parent, before running) and
 * removes them afterwards. */
void net_tests_init(void);
void net_tests_cleanup(void);
#endif
