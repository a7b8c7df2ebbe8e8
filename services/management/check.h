/* SPDX-License-Identifier: Apache-2.0 */
/* Request checks shared by every management handler: exact field sets and
 * types, bounded names, lists of user ids, URLs, crypto blocks, nonces and
 * payloads. Each check writes one clear sentence into err (CHECK_ERR_MAX)
 * and returns false; the handler answers it as 400 bad_request. None of
 * them copies untrusted bytes into err, so a message is always valid UTF-8
 * without NUL. */
#ifndef KETTLE_MANAGEMENT_CHECK_H
#define KETTLE_MANAGEMENT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CHECK_ERR_MAX 256

/* Bounds (services/management/README.md). */
#define MAX_NAME 64            /* names of arguments, inputs, outputs */
#define MAX_FUNCTION_NAME 128
#define MAX_DESCRIPTION 4096
#define MAX_ARGUMENTS 256
#define MAX_FILES 64           /* inputs or outputs of a function */
#define MAX_ALLOWLIST 1024
#define MAX_OWNERS 64          /* owners of one file or ownership entry */
#define MAX_URL 65536
#define MAX_PAYLOAD (512u * 1024u)
#define NONCE_MIN 16
#define NONCE_MAX 64

enum field_type { FIELD_STRING, FIELD_BOOL, FIELD_INT, FIELD_ARRAY,
		  FIELD_OBJECT, FIELD_ANY };

struct field {
	const char *name;
	enum field_type type;
	bool required;
};

/* obj is an object holding only the fields of spec (n of them), each of
 * its type; required ones present; strings without NUL. */
bool fields_check(const json_t *obj, const struct field *spec, size_t n,
		  char *err);

/* A name usable as a file name inside the guest: 1..max of
 * [A-Za-z0-9._-], not "." or "..". */
bool name_valid(const char *s, size_t max);

/* arr: 1..max (0..max when may_be_empty) distinct valid user ids. */
bool user_list_check(const json_t *arr, const char *field, size_t max,
		     bool may_be_empty, char *err);
/* Whether the array of strings arr holds s. */
bool json_list_has(const json_t *arr, const char *s);

/* kettle://blob/ (optionally followed by a 64-hex digest), file:///path,
 * http(s)://host..., data:...; printable ASCII, at most MAX_URL bytes. */
bool url_check(const char *url, char *err);
/* 64 lowercase hex digits (a SHA-256). */
bool digest_valid(const char *s);
/* {schema, key, iv}: aes-256-gcm (32-byte key) or aes-128-gcm (16-byte
 * key), 12-byte iv, both base64; or {schema: "raw"} alone. */
bool crypto_check(const json_t *crypto, char *err);
/* Hex of NONCE_MIN..NONCE_MAX bytes. */
bool nonce_check(const char *hex, char *err);
/* A function's payload for executor: absent for builtin, a static x86-64
 * ELF for native, a non-empty script otherwise. *raw gets the decoded
 * bytes (free them), NULL when absent. */
bool payload_check(const char *executor, const json_t *payload, uint8_t **raw,
		   size_t *len, char *err);

#endif
