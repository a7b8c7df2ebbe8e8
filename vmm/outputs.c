/* SPDX-License-Identifier: Apache-2.0 */
/* The files a task created under /output: digested for the result (and the
 * evidence), then written into --output-dir and nowhere else. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/io.h"
#include "vmm/task.h"

static int name_ok(const char *name)
{
	size_t n = strnlen(name, VMM_NAME_MAX + 1);
	return n > 0 && n <= VMM_NAME_MAX && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* Written to a temporary name, synced and renamed, so a reader never sees
 * half a file. */
static int write_output(int dirfd, const char *name, const uint8_t *data, size_t len)
{
	char tmp[VMM_NAME_MAX + 32];
	snprintf(tmp, sizeof tmp, ".%s.kettle-tmp", name);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, data, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, tmp, dirfd, name) < 0)
		rc = -errno;
	if (rc)
		unlinkat(dirfd, tmp, 0);
	return rc;
}

int task_collect_outputs(struct vmm_task *t)
{
	int dirfd = -1, rc = 0;
	const char *name;
	const uint8_t *data;
	size_t len;

	if (t->o->output_dir) {
		dirfd = open(t->o->output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			rc = -errno;
			task_fail(t, VMM_ERROR, "cannot open output directory %s: %s", t->o->output_dir, strerror(-rc));
			return rc;
		}
	}
	for (size_t i = 0; i < VMM_MAX_OUTPUT_FILES && sys_task_output(t->sys, i, &name, &data, &len) == 0; i++) {
		struct vmm_output *out = &t->r->outputs[t->r->noutputs];
		if (!name_ok(name))
			continue; /* the syscall layer refuses such names; never trust it blindly */
		snprintf(out->name, sizeof out->name, "%s", name);
		out->size = len;
		if (!EVP_Digest(data, len, out->sha256, NULL, EVP_sha256(), NULL)) {
			rc = -EIO;
			task_fail(t, VMM_ERROR, "cannot digest output %s", name);
			break;
		}
		t->r->noutputs++;
		if (dirfd >= 0 && (rc = write_output(dirfd, name, data, len))) {
			task_fail(t, VMM_ERROR, "cannot write output %s into %s: %s", name, t->o->output_dir,
				  strerror(-rc));
			break;
		}
	}
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}
