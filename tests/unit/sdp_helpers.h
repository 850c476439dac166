/*
 * Shared by the SDP tests (test_sdp.c, test_sdp_attrs.c, one program):
 * the session head every hand-written description starts with, the
 * check that text is refused at a line for a reason, and answering an
 * offer with fixed options.
 */
#ifndef SDP_HELPERS_H
#define SDP_HELPERS_H

#include <stdint.h>

#include "linerate/lr_sdp.h"
#include "lr_test.h"

#define HEAD "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

extern const struct lr_sdp_answer_opts answer_opts;

void expect_error(const char *text, uint32_t line, const char *needle);
struct lr_sdp *answer(const struct lr_sdp *offer,
		      const struct lr_sdp_answer_opts *o);

/* test_sdp_attrs.c's tests, added to the one suite after the others. */
void sdp_attrs_add_tests(CU_pSuite s);

#endif
