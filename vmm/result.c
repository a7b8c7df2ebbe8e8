/* SPDX-License-Identifier: Apache-2.0 */
/* Statuses, kettle-vmm's exit codes, the JSON form of a result, and
 * task_fail(), which every step of a task uses to set its status: it sits
 * here, below them all, so none of them calls back into vmm.c. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/encode.h"
#include "vmm/task.h"
#include "vmm/vmm.h"

void task_fail(struct vmm_task *t, enum vmm_status status, const char *fmt, ...)
{
	va_list ap;
	t->r->status = status;
	va_start(ap, fmt);
	vsnprintf(t->r->message, sizeof t->r->message, fmt, ap);
	va_end(ap);
}

static const char *const status_names[] = {
	[VMM_OK] = "ok",
	[VMM_CRASHED] = "crashed",
	[VMM_TIMEOUT] = "timeout",
	[VMM_OUT_OF_MEMORY] = "out_of_memory",
	[VMM_OUTPUT_LIMIT] = "output_limit",
	[VMM_BAD_PROGRAM] = "bad_program",
	[VMM_ERROR] = "error",
};

const char *vmm_status_name(enum vmm_status s)
{
	return (unsigned)s < sizeof status_names / sizeof status_names[0] ? status_names[s] : "error";
}

int vmm_exit_code(const struct vmm_result *r)
{
	switch (r->status) {
	case VMM_OK:
		return r->exit_code;
	case VMM_CRASHED:
		return 128 + r->signal;
	case VMM_TIMEOUT:
		return 124;
	case VMM_OUTPUT_LIMIT:
		return 123;
	case VMM_OUT_OF_MEMORY:
		return 122;
	case VMM_BAD_PROGRAM:
		return 126;
	case VMM_ERROR:
	default:
		return 125;
	}
}

static json_t *stream(const struct vmm_buf *b, int truncated)
{
	return json_pack("{s:o*, s:I, s:b}", "base64", vmm_json_base64(b->data, b->len),
			 "bytes", (json_int_t)b->len, "truncated", truncated);
}

static json_t *outputs(const struct vmm_result *r)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->noutputs; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:o*}", "name", r->outputs[i].name, "bytes",
						   (json_int_t)r->outputs[i].size, "sha256",
						   vmm_json_hex(r->outputs[i].sha256, 32)));
	return a;
}

static json_t *unsupported(const struct vmm_result *r)
{
	json_t *a = json_array();
	for (size_t i = 0; a && r->unsupported && r->unsupported[i]; i++)
		json_array_append_new(a, json_string(r->unsupported[i]));
	return a;
}

char *vmm_result_json(const struct vmm_result *r)
{
	json_t *o = json_pack("{s:s, s:i, s:o*, s:o*, s:f, s:I, s:o*, s:o*}", "status", vmm_status_name(r->status),
			      "exit_code", r->status == VMM_OK ? r->exit_code : -1, "stdout",
			      stream(&r->out, r->out_truncated), "stderr", stream(&r->err, r->err_truncated),
			      "duration_ms", r->duration_ms, "syscalls", (json_int_t)r->syscalls,
			      "unsupported_syscalls", unsupported(r), "outputs", outputs(r));
	if (!o)
		return NULL;
	if (r->measured) {
		json_object_set_new(o, "measurement", vmm_json_hex(r->measurement, sizeof r->measurement));
		json_object_set_new(o, "attest_ms", json_real(r->attest_ms));
	}
	if (r->status != VMM_OK || r->message[0])
		json_object_set_new(o, "message", json_string(r->message));
	if (r->status == VMM_CRASHED) {
		char a[32];
		json_object_set_new(o, "signal", json_integer(r->signal));
		snprintf(a, sizeof a, "0x%llx", (unsigned long long)r->rip);
		json_object_set_new(o, "rip", json_string(a));
		snprintf(a, sizeof a, "0x%llx", (unsigned long long)r->fault_address);
		json_object_set_new(o, "fault_address", json_string(a));
	}
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

void vmm_result_free(struct vmm_result *r)
{
	free(r->out.data);
	free(r->err.data);
	for (size_t i = 0; r->unsupported && r->unsupported[i]; i++)
		free(r->unsupported[i]);
	free(r->unsupported);
	memset(r, 0, sizeof *r);
}
