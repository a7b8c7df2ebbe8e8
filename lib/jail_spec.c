/* SPDX-License-Identifier: Apache-2.0 */
/* A service's jail as its configuration states it, and the one line that
 * says what of it this machine can hold. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/jail_internal.h"

static int fail(char *err, size_t len, const char *what)
{
	if (err && len)
		snprintf(err, len, "field \"jail\": %s", what);
	return -EINVAL;
}

static int load_id(const json_t *jail, const char *key, unsigned *out)
{
	const json_t *v = json_object_get(jail, key);
	if (!v)
		return 0;
	/* 0 would mean root; -1 is no id at all. */
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 0x7ffffffe)
		return -EINVAL;
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int load_paths(struct jail_spec *spec, const json_t *jail,
		      const char *key, int writable)
{
	const json_t *list = json_object_get(jail, key), *v;
	size_t i;
	if (!list)
		return 0;
	if (!json_is_array(list))
		return -EINVAL;
	json_array_foreach(list, i, v) {
		const char *p = json_string_value(v);
		if (!p || !p[0])
			return -EINVAL;
		if (spec->n_binds == JAIL_MAX_BINDS)
			return -E2BIG;
		spec->binds[spec->n_binds].path = p;
		spec->binds[spec->n_binds++].writable = writable;
	}
	return 0;
}

int jail_spec_load(struct jail_spec *spec, const json_t *jail,
		   const char *base_dir, char *err, size_t errlen)
{
	unsigned uid = 0, gid = 0;
	const json_t *ports, *v;
	size_t i;
	spec->base_dir = base_dir;
	if (!jail)
		return 0;
	if (!json_is_object(jail))
		return fail(err, errlen, "must be an object");
	if (load_id(jail, "uid", &uid) || load_id(jail, "gid", &gid) ||
	    (uid != 0) != (gid != 0))
		return fail(err, errlen, "uid and gid must come together, each from 1 to 2147483646");
	spec->uid = uid;
	spec->gid = gid;
	int rc = load_paths(spec, jail, "read", 0);
	if (!rc)
		rc = load_paths(spec, jail, "write", 1);
	if (rc == -E2BIG)
		return fail(err, errlen, "at most 16 paths in read and write together");
	if (rc)
		return fail(err, errlen, "read and write must be lists of paths");
	ports = json_object_get(jail, "connect");
	if (ports && !json_is_array(ports))
		return fail(err, errlen, "connect must be a list of TCP ports");
	json_array_foreach(ports, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 65535)
			return fail(err, errlen, "connect must be a list of TCP ports");
		if (spec->n_connect_ports == JAIL_MAX_PORTS)
			return fail(err, errlen, "at most 16 ports in connect");
		spec->connect_ports[spec->n_connect_ports++] =
			(unsigned short)json_integer_value(v);
	}
	return 0;
}

void jail_describe(const struct jail_spec *spec, char *out, size_t len)
{
	char who[96], ports[128] = "";
	int abi = jail_landlock_abi();
	if (spec->uid && geteuid() == 0)
		snprintf(who, sizeof(who), "uid %u gid %u", (unsigned)spec->uid,
			 (unsigned)spec->gid);
	else if (spec->uid)
		snprintf(who, sizeof(who), "not started as root: keeps uid %u (no switch to %u)",
			 (unsigned)geteuid(), (unsigned)spec->uid);
	else if (geteuid() == 0)
		snprintf(who, sizeof(who), "no uid configured: stays root (uid 0)");
	else
		snprintf(who, sizeof(who), "keeps uid %u", (unsigned)geteuid());
	size_t used = 0;
	for (size_t i = 0; i < spec->n_connect_ports && used + 8 < sizeof(ports); i++)
		used += (size_t)snprintf(ports + used, sizeof(ports) - used, "%s%u",
					 i ? "," : "", spec->connect_ports[i]);
	snprintf(out, len, "jail: %s; %s; %s%s%s",
		 who, spec->n_binds ? "own root with only its files" : "host files (no binds configured)",
		 abi >= 4 ? "Landlock: TCP connect only to ports " : "no Landlock network rules (kernel ABI below 4): sockets limited by family and type only",
		 abi >= 4 ? (used ? ports : "none") : "", "");
}
