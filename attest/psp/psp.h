/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-psp internals: the simulated chain on disk, the loaded platform
 * state, report signing and the socket server. */
#ifndef KETTLE_PSP_H
#define KETTLE_PSP_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "attest/psp/psp_client.h"
#include "attest/snp/snp_report.h"

/* File names inside DIR. */
#define PSP_ARK_FILE "ark.pem"
#define PSP_ASK_FILE "ask.pem"
#define PSP_VCEK_FILE "vcek.pem"
#define PSP_VCEK_KEY_FILE "vcek-key.pem"

enum psp_ca_kind {
	PSP_CA_RSA_PSS, /* RSA-4096, RSASSA-PSS SHA-384: what AMD uses */
	PSP_CA_P384,    /* ECDSA P-384: much faster to create */
};

struct psp_init_opts {
	enum psp_ca_kind ca_kind;
	struct snp_tcb tcb; /* what the VCEK is issued for */
};

/* Create DIR (0700) if needed and write the chain and the VCEK key (0600).
 * Refuses to overwrite an existing chain (-EEXIST). 0 or a negative errno. */
int psp_init(const char *dir, const struct psp_init_opts *opts);

/* What a running PSP holds. */
struct psp_state {
	EVP_PKEY *vcek_key;
	struct snp_tcb tcb;             /* from the VCEK's extensions */
	uint8_t chip_id[SNP_CHIP_ID_SIZE]; /* from the VCEK's hwID */
	char *chain_pem;                /* VCEK, ASK, ARK */
	size_t chain_len;
};

/* Load and check DIR: the chain verifies, the key matches the VCEK, the
 * key file is not readable by others. On failure *why says what is wrong. */
int psp_state_load(const char *dir, struct psp_state *st, const char **why);
void psp_state_free(struct psp_state *st);

/* The signed 1184-byte report for one request (values documented in
 * attest/psp/README.md). 0 or a negative errno. */
int psp_report_make(const struct psp_state *st, const struct psp_request *req,
		    uint8_t out[SNP_REPORT_SIZE]);

/* Serve requests on a Unix socket until SIGTERM/SIGINT. */
int psp_serve(const struct psp_state *st, const char *socket_path);

/* kettle-psp's jail (lib/jail.h) with its own minimal allowlist; psp_serve()
 * enters it once the socket is bound. 0 or a negative errno. */
int psp_jail(void);

#endif
