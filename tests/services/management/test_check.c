/* SPDX-License-Identifier: Apache-2.0 */
/* management's input checks: ids, names, field sets, user lists, urls,
 * crypto blocks, nonces and payloads. */
#include <stdlib.h>
#include <string.h>

#include "services/management/check.h"
#include "services/management/ids.h"
#include "tests/tap.h"

static void ids(void)
{
	char id[ID_MAX], big[10001];

	CHECK(object_id_new(OBJ_TASK, id) == 0 && object_id_valid(OBJ_TASK, id),
	      "a new task id is valid");
	CHECK(!object_id_valid(OBJ_INPUT, id), "a task id is not an input id");
	CHECK(file_id_kind(id) == -1, "a task id is not a file id");
	CHECK(!object_id_valid(OBJ_TASK, "task-../../etc/passwd0000000000000"),
	      "dots and slashes are refused");
	CHECK(!object_id_valid(OBJ_TASK, "task-0123456789ABCDEF0123456789abcdef"),
	      "uppercase hex is refused (one spelling)");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memcpy(big, "task-", 5);
	CHECK(!object_id_valid(OBJ_TASK, big), "10 000 characters are refused");
	CHECK(user_id_valid("alice@org.example") && !user_id_valid("..") &&
		      !user_id_valid("a/b") && !user_id_valid(""),
	      "user ids follow authentication's rule");
	memset(big, 'o', 129);
	big[129] = 0;
	CHECK(attribute_valid("") && attribute_valid("org.one") && !attribute_valid(big) &&
		      !attribute_valid("org one"),
	      "attributes: up to 128 of the id characters, empty allowed");
}

static void fields(void)
{
	static const struct field spec[] = {
		{ "url", FIELD_STRING, true },
		{ "n", FIELD_INT, false },
	};
	char err[CHECK_ERR_MAX];
	json_t *o;

	o = json_pack("{s:s}", "url", "x");
	CHECK(fields_check(o, spec, 2, err), "required field alone passes");
	json_decref(o);
	o = json_pack("{s:s, s:s}", "url", "x", "extra", "y");
	CHECK(!fields_check(o, spec, 2, err) && strstr(err, "extra"),
	      "an extra field is named: %s", err);
	json_decref(o);
	o = json_pack("{s:i}", "n", 1);
	CHECK(!fields_check(o, spec, 2, err) && strstr(err, "missing"),
	      "a missing field is named: %s", err);
	json_decref(o);
	o = json_pack("{s:i}", "url", 1);
	CHECK(!fields_check(o, spec, 2, err) && strstr(err, "string"),
	      "a wrong type is named: %s", err);
	json_decref(o);
	o = json_stringn("a\0b", 3);
	json_t *w = json_pack("{s:o}", "url", o);
	CHECK(!fields_check(w, spec, 2, err), "a string with NUL is refused");
	json_decref(w);
	o = json_array();
	CHECK(!fields_check(o, spec, 2, err), "a non-object body is refused");
	json_decref(o);
}

static void lists(void)
{
	char err[CHECK_ERR_MAX];
	json_t *a = json_array();

	for (int i = 0; i < MAX_ALLOWLIST + 1; i++) {
		char id[16];
		snprintf(id, sizeof(id), "u%d", i);
		json_array_append_new(a, json_string(id));
	}
	CHECK(!user_list_check(a, "user_allowlist", MAX_ALLOWLIST, true, err),
	      "an allowlist over the bound is refused");
	json_array_clear(a);
	json_array_append_new(a, json_string("bob"));
	json_array_append_new(a, json_string("bob"));
	CHECK(!user_list_check(a, "owners", MAX_OWNERS, false, err),
	      "a duplicate owner is refused");
	json_array_clear(a);
	CHECK(!user_list_check(a, "owners", MAX_OWNERS, false, err) &&
		      user_list_check(a, "user_allowlist", 10, true, err),
	      "owners may not be empty, an allowlist may");
	json_decref(a);
}

static void urls_crypto(void)
{
	char err[CHECK_ERR_MAX];
	json_t *c;

	CHECK(url_check("kettle://blob/", err) && url_check("https://h/x", err) &&
		      url_check("file:///data/in", err) &&
		      url_check("data:;base64,aGk=", err),
	      "the allowed schemes pass");
	CHECK(!url_check("ftp://h/x", err) && !url_check("javascript:x", err) &&
		      !url_check("file://relative", err) &&
		      !url_check("file:///a/../b", err) &&
		      !url_check("kettle://blob/xyz", err) &&
		      !url_check("https://h/a b", err),
	      "other schemes, relative or dotted paths and spaces are refused");
	c = json_pack("{s:s, s:s, s:s}", "schema", "aes-256-gcm", "key",
		      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "iv",
		      "AAAAAAAAAAAAAAAA");
	CHECK(crypto_check(c, err), "aes-256-gcm with 32-byte key and 12-byte iv");
	json_object_set_new(c, "schema", json_string("aes-128-gcm"));
	CHECK(!crypto_check(c, err) && strstr(err, "16 bytes"),
	      "a 32-byte key for aes-128-gcm is refused: %s", err);
	json_object_set_new(c, "key", json_string("not base64!"));
	CHECK(!crypto_check(c, err), "a key that is not base64 is refused");
	json_decref(c);
	c = json_pack("{s:s, s:s}", "schema", "raw", "key", "AAAA");
	CHECK(!crypto_check(c, err), "raw takes no key");
	json_decref(c);
	CHECK(nonce_check("00112233445566778899aabbccddeeff", err) &&
		      !nonce_check("0011", err) && !nonce_check("zz", err),
	      "nonces: at least 16 bytes of hex");
}

static void payloads(void)
{
	char err[CHECK_ERR_MAX];
	uint8_t *raw;
	size_t len;
	json_t *p = json_string("cHJpbnQoMSk=");

	CHECK(payload_check("lua", p, &raw, &len, err) && len == 8, "a lua script passes");
	free(raw);
	CHECK(!payload_check("native", p, &raw, &len, err) && strstr(err, "ELF"),
	      "a native payload that is no ELF is refused");
	CHECK(!payload_check("builtin", p, &raw, &len, err), "builtin takes no payload");
	CHECK(!payload_check("lua", NULL, &raw, &len, err), "lua needs a payload");
	json_decref(p);
	p = json_string("@@@@");
	CHECK(!payload_check("lua", p, &raw, &len, err), "a payload that is not base64");
	json_decref(p);
}

int main(void)
{
	ids();
	fields();
	lists();
	urls_crypto();
	payloads();
	TAP_DONE();
}
