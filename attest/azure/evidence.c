/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the evidence JSON. Every length is bounded before memory is
 * taken for it; the v0 form's byte arrays are checked element by element. */
#include "attest/azure/azure.h"
#include "lib/codec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

/* A field as bytes: a string (hex or base64url) or an array of 0..255. */
enum enc { HEX, B64URL };

static int bytes_of(json_t *v, enum enc enc, size_t cap, uint8_t **out, size_t *len)
{
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf)
		return -ENOMEM;
	int rc = -EINVAL;
	size_t n = 0;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		rc = enc == HEX ? hex_decode_max(s, buf, cap, &n)
				: base64url_decode(s, json_string_length(v), buf,
						   cap, &n);
	} else if (json_is_array(v) && json_array_size(v) <= cap) {
		size_t i;
		json_t *e;
		rc = 0;
		json_array_foreach(v, i, e) {
			json_int_t b = json_integer_value(e);
			if (!json_is_integer(e) || b < 0 || b > 255) {
				rc = -EINVAL;
				break;
			}
			buf[n++] = (uint8_t)b;
		}
	}
	if (rc || n == 0) {
		free(buf);
		return rc ? rc : -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int pcrs_of(json_t *arr, struct azure_evidence *ev)
{
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > AZ_PCRS)
		return -EINVAL;
	size_t i;
	json_t *p;
	json_array_foreach(arr, i, p) {
		uint8_t *b = NULL;
		size_t n = 0;
		int rc = bytes_of(p, HEX, 32, &b, &n);
		if (rc == 0 && n != 32)
			rc = -EINVAL;
		if (rc == 0)
			memcpy(ev->pcrs[i], b, 32);
		free(b);
		if (rc)
			return rc;
	}
	ev->n_pcrs = json_array_size(arr);
	return 0;
}

static int vcek_of(json_t *v, int version, X509 **out)
{
	if (!json_is_string(v))
		return -EINVAL;
	if (version == 0) /* PEM text */
		return snp_cert_from_mem(json_string_value(v), json_string_length(v), out);
	uint8_t *der = NULL;
	size_t n = 0;
	int rc = bytes_of(v, B64URL, 16 * 1024, &der, &n);
	if (rc == 0)
		rc = snp_cert_from_mem(der, n, out);
	free(der);
	return rc;
}

int azure_evidence_parse(const char *json, size_t len,
			 struct azure_evidence *ev, const char **why)
{
	memset(ev, 0, sizeof(*ev));
	*why = "evidence: not JSON";
	json_error_t err;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(root))
		goto fail;

	json_t *ver = json_object_get(root, "version");
	json_t *quote, *hcl;
	if (ver) {
		*why = "evidence: unsupported \"version\" (expect 1 or 2)";
		if (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
		    json_integer_value(ver) > 2)
			goto fail;
		ev->version = (int)json_integer_value(ver);
		quote = json_object_get(root, "tpm_quote");
		hcl = json_object_get(root, "hcl_report");
	} else {
		ev->version = 0;
		quote = json_object_get(root, "quote");
		hcl = json_object_get(root, "report");
	}
	*why = "evidence: \"hcl_report\" missing or not base64url within 16 KiB";
	if (bytes_of(hcl, B64URL, AZ_HCL_MAX, &ev->hcl, &ev->hcl_len))
		goto fail;
	*why = "evidence: tpm_quote \"message\" missing or malformed";
	if (!json_is_object(quote) ||
	    bytes_of(json_object_get(quote, "message"), HEX, AZ_QUOTE_MAX, &ev->quote,
		     &ev->quote_len))
		goto fail;
	*why = "evidence: tpm_quote \"signature\" missing or malformed";
	if (bytes_of(json_object_get(quote, "signature"), HEX, AZ_SIG_MAX, &ev->signature,
		     &ev->signature_len))
		goto fail;
	*why = "evidence: tpm_quote \"pcrs\" must be up to 24 SHA-256 values";
	if (pcrs_of(json_object_get(quote, "pcrs"), ev))
		goto fail;
	*why = "evidence: \"vcek\" is not a certificate";
	if (vcek_of(json_object_get(root, "vcek"), ev->version, &ev->vcek))
		goto fail;
	json_decref(root);
	*why = NULL;
	return 0;
fail:
	json_decref(root);
	azure_evidence_free(ev);
	ERR_clear_error();
	return -EINVAL;
}

void azure_evidence_free(struct azure_evidence *ev)
{
	free(ev->hcl);
	free(ev->quote);
	free(ev->signature);
	X509_free(ev->vcek);
	memset(ev, 0, sizeof(*ev));
}
