/* The test_gw_config program: linerated's configuration (test_gw_config.c,
 * which owns the scratch directory), bearer tokens (test_gw_auth.c) and
 * logs (test_gw_log.c). */
#ifndef GW_TESTS_H
#define GW_TESTS_H

#include "lr_test.h"

/* A file of the scratch directory with this text: its path (static
 * storage per name until the next call with the same slot). */
const char *gw_test_file(const char *name, const char *text);

void gw_auth_add_tests(CU_pSuite s); /* test_gw_auth.c */
void gw_log_add_tests(CU_pSuite s);  /* test_gw_log.c */

#endif
