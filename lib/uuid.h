/* uuid: RFC 9562 UUID text form. */
#ifndef KROW_UUID_H
#define KROW_UUID_H

#include <stddef.h>

#define UUID_STRLEN 36

/* 1 when s is exactly 8-4-4-4-12 hex digits (either case), else 0. */
int	uuid_valid(const char *s);
/* Write a random (version 4) UUID, lower case, NUL-terminated; 0 on
 * success, -1 when the random source fails. */
int	uuid_v4(char out[UUID_STRLEN + 1]);

#endif
