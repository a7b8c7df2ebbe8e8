/* Test helpers; see test_util.h. */
#include "tests/services/common/test_util.h"

#include <stdio.h>

#include "tests/harness/json.h"
#include "tests/harness/proc.h"

struct rpc_client *tu_client(int port, const char *ca, const char *cert,
			     const char *key, const char *expect_cn)
{
	char url[64], err[512];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);
	struct rpc_client_opts o = { .url = url, .ca = ca, .cert = cert, .key = key,
				     .expect_cn = expect_cn, .timeout_ms = 5000 };
	struct rpc_client *c = rpc_client_new(&o, err, sizeof(err));
	if (!c)
		fprintf(stderr, "# client: %s\n", err);
	return c;
}

struct rpc_client *tu_platform_client(const char *dir, int port,
				      const char *identity, const char *expect_cn)
{
	char ca[4096], cert[4096], key[4096];
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/certs/%s.pem", dir, identity ? identity : "");
	snprintf(key, sizeof(key), "%s/certs/%s.key", dir, identity ? identity : "");
	return tu_client(port, ca, identity ? cert : NULL, identity ? key : NULL,
			 expect_cn);
}

int tu_wait_healthy(struct rpc_client *c, unsigned timeout_ms)
{
	for (unsigned waited = 0; c && waited <= timeout_ms; waited += 50) {
		struct rpc_result r;
		if (rpc_client_call(c, "GET", "/healthz", NULL, NULL, &r) == 0) {
			int ok = r.status == 200;
			rpc_result_clear(&r);
			if (ok)
				return 0;
		}
		harness_sleep_ms(50);
	}
	return -1;
}

int tu_config_port(const char *dir, const char *service, const char *which)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.json", dir, service);
	return (int)harness_json_file_int(path, which, "port", -1);
}
