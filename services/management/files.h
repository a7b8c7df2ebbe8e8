/* SPDX-License-Identifier: Apache-2.0 */
/* Files: inputs and outputs (files.c) and the blob store (blobs.c). */
#ifndef KETTLE_MANAGEMENT_FILES_H
#define KETTLE_MANAGEMENT_FILES_H

#include "services/management/mgmt.h"

/* The digest of a kettle://blob/<digest> url, or NULL. */
const char *blob_url_digest(const char *url);

#endif
