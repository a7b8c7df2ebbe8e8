/* SPDX-License-Identifier: Apache-2.0 */
/* task_collect_outputs() never trusts the syscall layer's output names:
 * a name the layer should have refused ("", ".", "..", one with a '/')
 * is left out of the result and never written into --output-dir. The
 * layer itself refuses such names, so the test puts them past it by
 * renaming outputs in place, as a bug in the layer would. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/guest/sys/fake.h"
#include "vmm/task.h"

static const char *const bad_names[] = { "", ".", "..", "a/b", "../escaped" };

/* An output created through the layer, then renamed behind its back. The
 * created name is as long as the longest bad one, so the rename fits. */
static void make_output(struct fake *f, size_t i, const char *final_name)
{
	char path[64];
	const char *name;
	snprintf(path, sizeof path, "/output/out%zu-long-name", i);
	int64_t fd = SC4(f, SYS_openat, AT_FDCWD, gput(f, path, 0), O_CREAT | O_WRONLY, 0644);
	SC3(f, SYS_write, fd, gput(f, "data", 4), 4);
	SC1(f, SYS_close, fd);
	if (sys_task_output(f->t, i, &name, NULL, NULL) == 0)
		strcpy((char *)name, final_name);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_bad_names_are_dropped(void)
{
	char base[] = "/tmp/kettle-outputs-XXXXXX";
	char dir[64], escaped[64];
	struct sys_config c = fake_config(NULL);
	c.max_output_files = 8;
	struct fake *f = fake_new(&c);
	size_t nbad = sizeof bad_names / sizeof bad_names[0];
	if (!mkdtemp(base)) {
		CHECK(0, "a temporary directory");
		return;
	}
	snprintf(dir, sizeof dir, "%s/out", base);
	snprintf(escaped, sizeof escaped, "%s/escaped", base);
	mkdir(dir, 0700);

	for (size_t i = 0; i < nbad; i++)
		make_output(f, i, bad_names[i]);
	make_output(f, nbad, "good.txt");
	CHECK(sys_task_output(f->t, nbad, NULL, NULL, NULL) == 0, "the layer holds %zu outputs", nbad + 1);

	struct vmm_options o = { .output_dir = dir };
	struct vmm_result r = { .status = VMM_OK };
	struct vmm_task t = { .o = &o, .r = &r, .sys = f->t };
	int rc = task_collect_outputs(&t);
	CHECK(rc == 0 && r.status == VMM_OK, "bad names do not fail the task (rc %d, %s)", rc, r.message);
	CHECK(r.noutputs == 1 && !strcmp(r.outputs[0].name, "good.txt") && r.outputs[0].size == 4,
	      "only the good output is in the result (%zu outputs)", r.noutputs);
	CHECK(entries(dir) == 1, "only the good output is in --output-dir");
	CHECK(access(escaped, F_OK) != 0, "nothing was written beside --output-dir");

	char path[128];
	snprintf(path, sizeof path, "%s/good.txt", dir);
	unlink(path);
	unlink(escaped);
	rmdir(dir);
	rmdir(base);
	fake_free(f);
}

int main(void)
{
	test_bad_names_are_dropped();
	TAP_DONE();
}
