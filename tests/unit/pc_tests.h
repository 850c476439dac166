/* The test_pc program's further files: each adds its tests to the one
 * suite test_pc.c makes (after test_pc_signaling.c's). */
#ifndef PC_TESTS_H
#define PC_TESTS_H

#include "lr_test.h"

void pc_gate_add_tests(CU_pSuite s);	 /* test_pc_gate.c */
void pc_limits_add_tests(CU_pSuite s);	 /* test_pc_limits.c */
void pc_sctp_sdp_add_tests(CU_pSuite s); /* test_pc_sctp_sdp.c */

#endif
