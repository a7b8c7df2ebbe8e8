/* SPDX-License-Identifier: Apache-2.0 */
/* What an unseen function looks like: SHA-256 of stdin with OpenSSL's static
 * libcrypto (which needs futex through pthread_once), an input file read,
 * two outputs written, the environment printed. argv[1] = input path,
 * argv[2] = output dir. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern char **environ;
int main(int argc, char **argv) {
  unsigned char buf[65536], md[32]; unsigned n; size_t r;
  EVP_MD_CTX *c = EVP_MD_CTX_new(); EVP_DigestInit_ex(c, EVP_sha256(), NULL);
  while ((r = fread(buf, 1, sizeof buf, stdin)) > 0) EVP_DigestUpdate(c, buf, r);
  EVP_DigestFinal_ex(c, md, &n);
  for (unsigned i = 0; i < n; i++) printf("%02x", md[i]); printf("  -\n");
  FILE *f = fopen(argc > 1 ? argv[1] : "/input/data", "r"); if (!f) { perror("input"); return 1; }
  size_t tot = 0; while ((r = fread(buf, 1, sizeof buf, f)) > 0) tot += r; fclose(f);
  char p[512]; const char *od = argc > 2 ? argv[2] : "/output";
  snprintf(p, sizeof p, "%s/a.txt", od); FILE *a = fopen(p, "w"); fprintf(a, "input bytes %zu\n", tot); fclose(a);
  snprintf(p, sizeof p, "%s/b.bin", od); FILE *b = fopen(p, "wb"); fwrite(md, 1, 32, b); fclose(b);
  for (char **e = environ; *e; e++) puts(*e);
  return 0; }
