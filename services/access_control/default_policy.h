/* SPDX-License-Identifier: Apache-2.0 */
/* The default policy (default_policy.json, compiled in) that
 * kettle-platform init writes into a new platform directory. */
#ifndef KETTLE_ACCESS_CONTROL_DEFAULT_POLICY_H
#define KETTLE_ACCESS_CONTROL_DEFAULT_POLICY_H

extern const char access_control_default_policy[];

#endif
