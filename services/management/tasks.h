/* SPDX-License-Identifier: Apache-2.0 */
/* Tasks (API.md "Tasks"): create, get, assign, approve (tasks.c); invoke,
 * cancel, evidence and the restart sweep (tasks_run.c). The stored
 * document is task_state.h's plus, once staged, nonce and staged_at. */
#ifndef KETTLE_MANAGEMENT_TASKS_H
#define KETTLE_MANAGEMENT_TASKS_H

#include <jansson.h>

#include "services/management/mgmt.h"

/* task.read / task.approve / task.evidence facts. */
json_t *task_participant_facts(const json_t *task);

/* Finishes invocations a crash interrupted: every staged task is put on
 * tasks-staged again (the scheduler skips duplicates because it claims a
 * task by compare-and-swap). */
int tasks_requeue_staged(struct mgmt *m);

#endif
