#ifndef CHECK_SUITES_H
#define CHECK_SUITES_H
#include <check.h>
Suite *make_store_suite(void);
Suite *make_config_suite(void);
Suite *make_policy_suite(void);
Suite *make_pstate_suite(void);
Suite *make_ids_suite(void);
Suite *make_keys_suite(void);
Suite *make_form_suite(void);
Suite *make_tmpl_suite(void);
Suite *make_compose_suite(void);
Suite *make_decode_suite(void);
Suite *make_cmd_suite(void);
Suite *make_publish_suite(void);
Suite *make_escape_suite(void);
Suite *make_route_suite(void);
#endif
