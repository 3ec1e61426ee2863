/* Gathers every module's Check suite. */
#include "config.h"

#include <stdlib.h>

#include "check_net.h"
#include "check_publish.h"
#include "check_suites.h"
#include "testutil.h"
#include "vulture/gpgproc.h"
#include <string.h>

int
main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	/* tests/browser.sh: the publication test case as a site or a page. */
	if (argc == 3 && strcmp(argv[1], "--write-tree") == 0)
		return publish_fixture_write(argv[2]) < 0 ? EXIT_FAILURE :
		    EXIT_SUCCESS;
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "--render") == 0)
		return publish_fixture_render(argv[2], argc == 4 ? argv[3] :
		    "ja") < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	/* tests/cvss.sh: vectors on stdin scored. */
	if (argc == 2 && strcmp(argv[1], "--cvss") == 0)
		return cvss_score_lines() == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	/* The compose suite's gpg helper: this program run anew, as
	 * vultured runs itself. */
	if (argc > 1 && strcmp(argv[1], GPGPROC_HELPER_FLAG) == 0)
		return gpgproc_helper_main(argc, argv);
	tu_track_init();
	sr = srunner_create(make_ids_suite());

	srunner_add_suite(sr, make_ident_suite());
	srunner_add_suite(sr, make_lex_suite());
	srunner_add_suite(sr, make_config_suite());
	srunner_add_suite(sr, make_policy_suite());
	srunner_add_suite(sr, make_pstate_suite());
	srunner_add_suite(sr, make_route_suite());
	srunner_add_suite(sr, make_store_suite());
	srunner_add_suite(sr, make_casestore_suite());
	srunner_add_suite(sr, make_keys_suite());
	srunner_add_suite(sr, make_form_suite());
	srunner_add_suite(sr, make_tmpl_suite());
	srunner_add_suite(sr, make_compose_suite());
	srunner_add_suite(sr, make_decode_suite());
	srunner_add_suite(sr, make_cmd_suite());
	srunner_add_suite(sr, make_escape_suite());
	srunner_add_suite(sr, make_cvss_suite());
	srunner_add_suite(sr, make_publish_suite());
	srunner_add_suite(sr, make_outbox_suite());
	srunner_add_suite(sr, make_intake_suite());
	srunner_add_suite(sr, make_tlscheck_suite());
	srunner_add_suite(sr, make_smtp_suite());
	srunner_add_suite(sr, make_imap_suite());
	net_tests_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	net_tests_cleanup();
	tu_sweep();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
