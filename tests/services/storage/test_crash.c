/* SPDX-License-Identifier: Apache-2.0 */
/* Crash safety of kettle-storage: a child writes in a loop and reports
 * every acknowledged write; kettle-storage is killed with SIGKILL in the
 * middle, restarted on the same data, and every acknowledged write must
 * be there. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/codec.h"
#include "tests/services/storage/harness.h"
#include "tests/tap.h"

#define MAX_WRITES 200000
#define ACKS_BEFORE_KILL 300

/* The writer: put crash/NNNNNN until the server goes away; after each 200
 * the index goes down the pipe. */
static void writer(const struct harness *h, int fd)
{
	struct rpc_client *c = harness_client(h, h->storage_url, 1);
	char key[32], val[32];

	if (!c)
		_exit(1);
	for (int i = 0; i < MAX_WRITES; i++) {
		struct rpc_result res;
		char *b64;
		json_t *body;
		int rc;

		snprintf(key, sizeof(key), "crash/%06d", i);
		snprintf(val, sizeof(val), "value-%d", i);
		b64 = base64_encode(val, strlen(val));
		body = json_pack("{s:s, s:s}", "key", key, "value", b64);
		free(b64);
		rc = rpc_client_call(c, "POST", "/store/put", body, NULL, &res);
		json_decref(body);
		if (rc < 0)
			break;
		rc = res.status;
		rpc_result_clear(&res);
		if (rc != 200)
			break;
		if (write(fd, &i, sizeof(i)) != sizeof(i))
			break;
	}
	rpc_client_free(c);
	_exit(0);
}

/* Reads every key back through a scan; counts the acknowledged ones found
 * with the right value. */
static int verify(const struct harness *h, const char *acked, int n_acked,
		  int *found)
{
	struct rpc_client *c = harness_client(h, h->storage_url, 1);
	char after[64] = "";
	int bad = 0;

	*found = 0;
	if (!c)
		return -1;
	for (;;) {
		json_t *body = after[0] ? json_pack("{s:s, s:s, s:i}", "prefix",
						   "crash/", "after", after,
						   "limit", 1000)
					: json_pack("{s:s, s:i}", "prefix",
						   "crash/", "limit", 1000);
		struct rpc_result res;
		json_t *items, *it, *next;
		size_t i;
		int rc = rpc_client_call(c, "POST", "/store/scan", body, NULL,
					 &res);

		json_decref(body);
		if (rc < 0 || res.status != 200) {
			if (rc == 0)
				rpc_result_clear(&res);
			rpc_client_free(c);
			return -1;
		}
		items = json_object_get(res.json, "items");
		json_array_foreach(items, i, it) {
			const char *k = json_string_value(json_object_get(it, "key"));
			const char *v = json_string_value(json_object_get(it, "value"));
			uint8_t *raw;
			size_t len;
			char want[32];
			int idx = k ? atoi(k + 6) : -1;

			if (idx < 0 || idx >= MAX_WRITES || !acked[idx])
				continue;
			snprintf(want, sizeof(want), "value-%d", idx);
			if (v && base64_decode_alloc(v, strlen(v), &raw, &len) == 0) {
				if (len == strlen(want) && !memcmp(raw, want, len))
					(*found)++;
				else
					bad++;
				free(raw);
			}
		}
		next = json_object_get(res.json, "next");
		if (json_is_string(next))
			snprintf(after, sizeof(after), "%s", json_string_value(next));
		else
			after[0] = 0;
		rpc_result_clear(&res);
		if (!after[0])
			break;
	}
	rpc_client_free(c);
	(void)n_acked;
	return bad;
}

/* Records one acknowledged write; 1 if it is new. */
static int ack(char *acked, int idx)
{
	if (idx < 0 || idx >= MAX_WRITES || acked[idx])
		return 0;
	acked[idx] = 1;
	return 1;
}

int main(void)
{
	const char *missing = harness_missing();
	struct harness h;
	char *acked;
	int pipefd[2], idx, n_acked = 0, found = 0, status, bad;
	pid_t storage, child;

	if (missing)
		TAP_SKIP_ALL("%s", missing);
	acked = calloc(MAX_WRITES, 1);
	CHECK(harness_init(&h) == 0, "kettle-platform init");
	storage = harness_spawn_storage(&h);
	CHECK(storage > 0 && harness_wait_ready(&h, h.storage_url, 10000) == 0,
	      "kettle-storage starts");
	if (pipe(pipefd) < 0)
		return 1;
	child = fork();
	if (child == 0) {
		close(pipefd[0]);
		writer(&h, pipefd[1]);
	}
	close(pipefd[1]);
	/* Kill once the writer is well under way (however slow this build
	 * is), not after a guessed time; then take the acks still in flight. */
	while (n_acked < ACKS_BEFORE_KILL && read(pipefd[0], &idx, sizeof(idx)) == sizeof(idx))
		n_acked += ack(acked, idx);
	CHECK(kill(storage, SIGKILL) == 0 && waitpid(storage, &status, 0) == storage &&
		      WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "kettle-storage is killed with SIGKILL mid-write");
	while (read(pipefd[0], &idx, sizeof(idx)) == sizeof(idx))
		n_acked += ack(acked, idx);
	close(pipefd[0]);
	waitpid(child, &status, 0);
	printf("# %d writes were acknowledged before the kill\n", n_acked);
	CHECK(n_acked > 0, "the writer got acknowledgements before the kill");

	storage = harness_spawn_storage(&h);
	CHECK(storage > 0 && harness_wait_ready(&h, h.storage_url, 10000) == 0,
	      "kettle-storage restarts on the same database");
	bad = verify(&h, acked, n_acked, &found);
	CHECK(bad == 0, "no acknowledged key holds a wrong value");
	CHECK(found == n_acked, "all %d acknowledged writes are present (%d)",
	      n_acked, found);
	kill(storage, SIGTERM);
	CHECK(waitpid(storage, &status, 0) == storage && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0,
	      "kettle-storage stops cleanly on SIGTERM");
	harness_destroy(&h);
	free(acked);
	TAP_DONE();
}
