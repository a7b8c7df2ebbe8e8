/* SPDX-License-Identifier: Apache-2.0 */
/* Where management keeps its objects in kettle-storage, and the loading
 * steps every handler shares (README.md "Storage layout"). */
#ifndef KETTLE_MANAGEMENT_OBJECTS_H
#define KETTLE_MANAGEMENT_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "services/management/mgmt.h"

#define KEY_MAX 200
#define TASKS_STAGED_QUEUE "tasks-staged"

/* function/meta/<id>, function/payload/<id>/<digest>, usage/<id>,
 * input/<id>, output/<id>, input/digest/<digest>/<id>,
 * output/digest/<digest>/<id>, input/uploader/<digest>/<user>,
 * task/<id>, task/<id>/evidence. */
void key_function(char key[KEY_MAX], const char *id);
void key_payload(char key[KEY_MAX], const char *id, const char *digest);
void key_usage(char key[KEY_MAX], const char *id);
void key_object(char key[KEY_MAX], enum object_kind kind, const char *id);
void key_digest_index(char key[KEY_MAX], enum object_kind kind,
		      const char *digest, const char *id);
void key_uploader(char key[KEY_MAX], const char *digest, const char *user);
void key_evidence(char key[KEY_MAX], const char *task_id);

/* The {id} path parameter when it is a well-formed id of kind; otherwise
 * answers 400 and returns NULL. */
const char *path_id(struct op *op, enum object_kind kind);
/* kv_get of the object's document; on failure answers (404 naming the
 * kind, or 503/500) and returns false. */
bool load_object(struct op *op, enum object_kind kind, const char *id,
		 json_t **doc, uint64_t *version);
/* The "owners" list of a file document (borrowed). */
const json_t *file_owners(const json_t *file);

/* Runs change(doc, arg) on the object's latest version and writes it back
 * with compare-and-swap, retrying on conflicts. change returns 0 to write,
 * a positive HTTP status to answer nothing written (it has set
 * op_error-worthy *msg), or negative errno. */
typedef int (*object_change)(json_t *doc, void *arg, char *msg, size_t cap);
/* 0 after a write; otherwise the answer has been sent. *out (may be NULL)
 * gets the document as written (new reference). */
int update_object(struct op *op, enum object_kind kind, const char *id,
		  object_change change, void *arg, json_t **out);

#endif
