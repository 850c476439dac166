/*
 * Shared by the SDP tests (test_sdp.c, test_sdp_attrs.c,
 * test_sdp_sctp.c, one program): the session head every hand-written
 * description starts with, the fixtures, the check that text is refused
 * at a line for a reason, and answering an offer with fixed options.
 */
#ifndef SDP_HELPERS_H
#define SDP_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "linerate/lr_sdp.h"
#include "lr_test.h"

#define HEAD "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

extern const struct lr_sdp_answer_opts answer_opts;

void expect_error(const char *text, uint32_t line, const char *needle);
/* tests/fixtures/sdp/<name>, NUL-terminated, malloc'd; NULL if absent */
char *slurp(const char *name, size_t *len);
/* Parse tests/fixtures/sdp/<name> into *out (fatal if it does not
 * parse): written back it must be the file byte for byte (CRLF). */
void roundtrip(const char *name, struct lr_sdp **out);
struct lr_sdp *answer(const struct lr_sdp *offer,
		      const struct lr_sdp_answer_opts *o);

/* test_sdp_attrs.c's tests, added to the one suite after the others. */
void sdp_attrs_add_tests(CU_pSuite s);
/* test_sdp_sctp.c's: data channel sections in both syntaxes. */
void sdp_sctp_add_tests(CU_pSuite s);

#endif
