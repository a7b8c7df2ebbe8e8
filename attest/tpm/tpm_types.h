/* SPDX-License-Identifier: Apache-2.0 */
/* TPM 2.0 constants Kettle uses (TPM 2.0 Library Part 2, "Structures").
 * Shared by the command marshalling (vtpm.c) and the libtpms-independent
 * verifier (quote_verify.c), so both sides agree on one set of numbers. */
#ifndef KETTLE_ATTEST_TPM_TYPES_H
#define KETTLE_ATTEST_TPM_TYPES_H

/* TPM_ALG_ID */
#define TPM_ALG_RSA 0x0001
#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_AES 0x0006
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_SHA384 0x000C
#define TPM_ALG_SHA512 0x000D
#define TPM_ALG_NULL 0x0010
#define TPM_ALG_RSASSA 0x0014
#define TPM_ALG_RSAPSS 0x0016
#define TPM_ALG_ECDSA 0x0018
#define TPM_ALG_ECDAA 0x001A
#define TPM_ALG_ECC 0x0023
#define TPM_ALG_CFB 0x0043

/* TPM_ECC_CURVE */
#define TPM_ECC_NIST_P256 0x0003
#define TPM_ECC_NIST_P384 0x0004

/* TPM_ST */
#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS 0x8002
#define TPM_ST_ATTEST_QUOTE 0x8018

/* TPM_GENERATED_VALUE: the magic a TPM puts at the start of what it signs. */
#define TPM_GENERATED_VALUE 0xff544347u

/* TPM_RH / TPM_RS handles */
#define TPM_RH_OWNER 0x40000001u
#define TPM_RS_PW 0x40000009u
#define TPM_RH_ENDORSEMENT 0x4000000Bu

/* TPM_CC */
#define TPM_CC_CreatePrimary 0x00000131u
#define TPM_CC_Startup 0x00000144u
#define TPM_CC_Quote 0x00000158u
#define TPM_CC_PCR_Read 0x0000017Eu
#define TPM_CC_PCR_Extend 0x00000182u

/* TPM_SU */
#define TPM_SU_CLEAR 0x0000

/* TPMA_OBJECT bits */
#define TPMA_OBJECT_FIXEDTPM (1u << 1)
#define TPMA_OBJECT_STCLEAR (1u << 2)
#define TPMA_OBJECT_FIXEDPARENT (1u << 4)
#define TPMA_OBJECT_SENSITIVEDATAORIGIN (1u << 5)
#define TPMA_OBJECT_USERWITHAUTH (1u << 6)
#define TPMA_OBJECT_ADMINWITHPOLICY (1u << 7)
#define TPMA_OBJECT_NODA (1u << 10)
#define TPMA_OBJECT_RESTRICTED (1u << 16)
#define TPMA_OBJECT_DECRYPT (1u << 17)
#define TPMA_OBJECT_SIGN (1u << 18)

#define TPM_PCR_COUNT 24
#define TPM_SHA256_SIZE 32
#define TPM_SHA384_SIZE 48

#endif
