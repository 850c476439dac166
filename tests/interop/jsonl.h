/* One-line JSON messages between the interop drivers and the peer
 * scripts (Node.js, Python): one JSON object per line (RFC 8259).
 *
 * The readers take standard JSON, whatever the writer: whitespace
 * anywhere the grammar allows it, every escape (\uXXXX with surrogate
 * pairs, to UTF-8), nested objects and arrays (skipped), keys matched
 * only at the top level. The whole line is checked first: anything that
 * is not one JSON object (trailing text, a bad escape, a raw control
 * character, more than 64 levels of nesting) is -EINVAL for every key,
 * never a partial reading. A top-level key given twice (RFC 8259 §4:
 * names SHOULD be unique) is -EINVAL for that key: which value is meant
 * is not said. Keys longer than 255 bytes are never found. */
#ifndef LR_JSONL_H
#define LR_JSONL_H

#include <stddef.h>

/* Append ,"key":"escaped value" to out (no comma when n <= 1, i.e.
 * right after the opening brace). The new length; cap if it did not fit
 * (out then holds no complete member: the caller must not send it). */
size_t jsonl_str(char *out, size_t cap, size_t n, const char *key,
		 const char *val);
/* The string member `key` of the object on line, unescaped into out
 * (NUL-terminated): 0; -ENOENT if absent; -EINVAL if the line is not
 * one JSON object, or the member is not a string, or holds U+0000
 * (which a C string cannot carry); -ENOSPC if it does not fit in cap
 * (out is then ""). */
int jsonl_get(const char *line, const char *key, char *out, size_t cap);
/* The integer member `key` (a JSON number without fraction or exponent
 * that fits a long long): 0 and *v; -ENOENT if absent; -EINVAL if the
 * line is not one JSON object or the member is not an integer; -ERANGE
 * if it does not fit. */
int jsonl_num(const char *line, const char *key, long long *v);
/* jsonl_num's value, or def when it fails for any reason. */
long long jsonl_int(const char *line, const char *key, long long def);

#endif
