/* SPDX-License-Identifier: Apache-2.0 */
/* Every field of a report as a JSON object (jansson), byte strings in lower
 * case hex, TCB versions both raw and split for the report's generation. */
#ifndef KETTLE_SNP_JSON_H
#define KETTLE_SNP_JSON_H

#include <jansson.h>

#include "attest/snp/snp_report.h"

/* New reference, or NULL when out of memory. */
json_t *snp_report_to_json(const struct snp_report *r);

#endif
