/* SPDX-License-Identifier: Apache-2.0 */
/* String helpers of the layer's own (see str.h for why). */
#include "guest/sys/str.h"

#include <stdint.h>

size_t sys_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t sys_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int sys_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

const void *sys_memchr(const void *p, int c, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		if (s[i] == (unsigned char)c)
			return s + i;
	return NULL;
}

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = c;
}

static void put_u64(struct out *o, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put(o, digits[--n]);
}

size_t sys_format(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { buf, cap, 0 };

	if (!cap)
		return 0;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		if (*f == 's') {
			for (const char *s = va_arg(ap, const char *); *s; s++)
				put(&o, *s);
		} else if (*f == 'd') {
			int v = va_arg(ap, int);
			if (v < 0)
				put(&o, '-');
			put_u64(&o, v < 0 ? -(uint64_t)v : (uint64_t)v);
		} else if (f[0] == 'l' && f[1] == 'l' && f[2] == 'u') {
			put_u64(&o, va_arg(ap, unsigned long long));
			f += 2;
		} else if (*f == '%') {
			put(&o, '%');
		} else {
			/* not a conversion the layer uses: shown, not guessed */
			put(&o, '%');
			if (!*f)
				break;
			put(&o, *f);
		}
	}
	buf[o.len] = '\0';
	return o.len;
}
