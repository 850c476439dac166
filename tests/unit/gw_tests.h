/* The test_gw_config program: linerated's configuration (test_gw_config.c,
 * which owns the scratch directory), flags (test_gw_args.c), bearer
 * tokens (test_gw_auth.c) and logs (test_gw_log.c). */
#ifndef GW_TESTS_H
#define GW_TESTS_H

#include "lr_test.h"

/* A file of the scratch directory with this text: its path (static
 * storage per name until the next call with the same slot). */
const char *gw_test_file(const char *name, const char *text);

/* gw_config_args over c with a NULL-ended argv. */
struct gw_config;
int gw_test_args(struct gw_config *c, char *err, size_t cap, char **v);

void gw_args_add_tests(CU_pSuite s); /* test_gw_args.c */
void gw_auth_add_tests(CU_pSuite s); /* test_gw_auth.c */
void gw_log_add_tests(CU_pSuite s);  /* test_gw_log.c */

#endif
