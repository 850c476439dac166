/* One-line JSON messages between the interop driver and a peer script:
 * flat objects of string and integer fields, nothing more. */
#ifndef LR_JSONL_H
#define LR_JSONL_H

#include <stddef.h>

/* Append "key":"escaped value" (with a leading comma unless first). */
size_t jsonl_str(char *out, size_t cap, size_t n, const char *key,
		 const char *val);
/* The string field `key` of a flat object, unescaped into out: 0, or -1
 * if absent or malformed. */
int jsonl_get(const char *line, const char *key, char *out, size_t cap);
/* An integer field, or def. */
long long jsonl_int(const char *line, const char *key, long long def);

#endif
