/* SPDX-License-Identifier: Apache-2.0 */
/* The default policy (services/access_control/default_policy.json, compiled in) that
 * kettle-platform init writes into a new platform directory. */
#ifndef KETTLE_PLATFORM_DEFAULT_POLICY_H
#define KETTLE_PLATFORM_DEFAULT_POLICY_H

extern const char platform_default_policy[];

#endif
