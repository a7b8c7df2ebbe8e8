/* SPDX-License-Identifier: Apache-2.0 */
/* config_parse/config_load: good files, defaults, one clear line per error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services/common/config.h"
#include "tests/tap.h"

static const char *good =
	"{\"service\":\"storage\","
	"\"listen\":{\"address\":\"127.0.0.1\",\"port\":7001},"
	"\"public\":{\"address\":\"127.0.0.1\",\"port\":7443},"
	"\"tls\":{\"cert\":\"certs/s.pem\",\"key\":\"/abs/s.key\",\"ca\":\"ca.pem\"},"
	"\"data_dir\":\"data/storage\","
	"\"limits\":{\"max_body\":4096,\"max_connections\":8,\"workers\":3,"
	"\"header_ms\":700,\"call_timeout_ms\":250},"
	"\"log\":{\"file\":\"logs/s.log\",\"max_bytes\":65536,\"files\":2},"
	"\"peers\":{\"authentication\":\"https://127.0.0.1:7002\"},"
	"\"admin_password_file\":\"admin.password\"}";

/* Replace the first occurrence of from in good by to, then parse. */
static int parse_variant(const char *from, const char *to, char *err, size_t len)
{
	char text[2048];
	const char *at = strstr(good, from);
	if (!at)
		return 999;
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, to,
		 at + strlen(from));
	struct kettle_config cfg;
	int rc = config_parse(text, "/p", &cfg, err, len);
	if (!rc)
		config_free(&cfg);
	return rc;
}

int main(void)
{
	struct kettle_config cfg;
	char err[256] = "";
	CHECK(config_parse(good, "/p", &cfg, err, sizeof(err)) == 0, "a complete config parses (%s)", err);
	CHECK(strcmp(cfg.service, "storage") == 0, "service name");
	CHECK(strcmp(cfg.listen.address, "127.0.0.1") == 0 && cfg.listen.port == 7001,
	      "internal listener");
	CHECK(cfg.public_.address && cfg.public_.port == 7443, "public listener");
	CHECK(strcmp(cfg.cert, "/p/certs/s.pem") == 0, "relative cert path resolved against the file's dir");
	CHECK(strcmp(cfg.key, "/abs/s.key") == 0, "absolute key path kept");
	CHECK(strcmp(cfg.data_dir, "/p/data/storage") == 0, "data_dir resolved");
	CHECK(cfg.max_body == 4096 && cfg.max_connections == 8, "limits read");
	CHECK(cfg.timeout_ms == CONFIG_DEFAULT_TIMEOUT_MS &&
	      cfg.max_json_depth == CONFIG_DEFAULT_MAX_JSON_DEPTH &&
	      cfg.max_blob_body == CONFIG_DEFAULT_MAX_BLOB_BODY &&
	      cfg.max_per_peer == CONFIG_DEFAULT_MAX_PER_PEER &&
	      cfg.max_handshakes == CONFIG_DEFAULT_MAX_HANDSHAKES &&
	      cfg.handshake_ms == CONFIG_DEFAULT_HANDSHAKE_MS &&
	      cfg.min_body_rate == CONFIG_DEFAULT_MIN_BODY_RATE, "missing limits default");
	CHECK(cfg.workers == 3 && cfg.header_ms == 700 && cfg.call_timeout_ms == 250,
	      "workers, header deadline and call deadline read");
	CHECK(cfg.log_file && strcmp(cfg.log_file, "/p/logs/s.log") == 0 &&
	      cfg.log_max_bytes == 65536 && cfg.log_files == 2, "log file, size and count read");
	CHECK(strcmp(config_peer(&cfg, "authentication"), "https://127.0.0.1:7002") == 0,
	      "peer URL");
	CHECK(config_peer(&cfg, "frontend") == NULL, "unknown peer is NULL");
	char *p = config_path(&cfg, "admin_password_file");
	CHECK(p && strcmp(p, "/p/admin.password") == 0, "service-specific path key");
	free(p);
	CHECK(strcmp(config_string(&cfg, "admin_password_file"), "admin.password") == 0,
	      "service-specific string key");
	config_free(&cfg);

	struct {
		const char *from, *to, *expect;
	} bad[] = {
		{ "\"service\":\"storage\",", "", "missing field \"service\"" },
		{ "\"port\":7001", "\"port\":70000", "\"listen.port\" must be an integer from 0 to 65535" },
		{ "\"port\":7001", "\"port\":\"7001\"", "\"listen.port\" must be an integer" },
		{ "\"cert\":\"certs/s.pem\",", "", "missing field \"tls.cert\"" },
		{ "\"ca\":\"ca.pem\"", "\"ca\":\"\"", "\"tls.ca\" must be a non-empty string" },
		{ "\"max_body\":4096", "\"max_body\":0", "\"limits.max_body\" must be an integer" },
		{ "https://127.0.0.1:7002", "http://127.0.0.1:7002", "\"peers.authentication\" must be an https:// URL" },
		{ "{\"service\"", "[{\"service\"", "not valid JSON" },
		{ "\"data_dir\":\"data/storage\"", "\"data_dir\":5", "\"data_dir\" must be a non-empty string" },
		{ "\"workers\":3", "\"workers\":0", "\"limits.workers\" must be an integer from 1 to 256" },
		{ "\"files\":2", "\"files\":0", "\"log.files\" must be an integer from 1" },
		{ "\"file\":\"logs/s.log\",", "", "missing field \"log.file\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		int rc = parse_variant(bad[i].from, bad[i].to, err, sizeof(err));
		CHECK(rc < 0 && strstr(err, bad[i].expect) && !strchr(err, '\n'),
		      "bad config %zu rejected with one line: %s", i, err);
	}
	CHECK(config_parse("{\"service\":\"a\",\"service\":\"b\"}", NULL, &cfg, err, sizeof(err)) < 0,
	      "duplicate keys rejected");

	/* config_load: a file on disk, and a missing one. */
	char path[] = "/tmp/kettle-config-test-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, good, strlen(good)) == (ssize_t)strlen(good), "wrote a config file");
	close(fd);
	CHECK(config_load(path, &cfg, err, sizeof(err)) == 0 && strcmp(cfg.ca, "/tmp/ca.pem") == 0,
	      "config_load resolves paths against the file's directory");
	config_free(&cfg);
	unlink(path);
	CHECK(config_load(path, &cfg, err, sizeof(err)) < 0 && strstr(err, path) &&
	      strstr(err, "No such file"), "a missing file names the path: %s", err);
	TAP_DONE();
}
