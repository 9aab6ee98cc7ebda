/* glob.h: Redis-compatible glob matching (KEYS, SCAN MATCH) without exponential backtracking. */
#ifndef MODIS_KEYS_GLOB_H
#define MODIS_KEYS_GLOB_H

#include <stddef.h>

/* Limit on '*' groups a match may pass through, as Redis 7.0's recursion limit. */
#define GLOB_MAX_STARS 1000

/*
 * Returns 1 when string matches pattern, else 0, with the semantics of Redis
 * 7.0's stringmatchlen(): '*' any run of bytes, '?' one byte, '[abc]' '[^a]'
 * '[a-z]' (reversed ranges '[z-a]' allowed, bytes compared as signed char),
 * '\x' the byte x (also inside brackets), an unterminated '[' class runs to
 * the end of the pattern. Quirks kept on purpose: an empty string matches
 * only the empty pattern (not even "*"), and a pattern needing to pass more
 * than GLOB_MAX_STARS separate '*' groups never matches.
 *
 * Unlike Redis it does not recurse: one greedy pass with backtracking to the
 * last '*', O(len(pattern) * len(string)) in the worst case. nocase folds
 * ASCII case as tolower(). Both buffers are borrowed and may hold any bytes.
 */
int glob_match(const char *pattern, size_t plen, const char *string, size_t slen, int nocase);

#endif
