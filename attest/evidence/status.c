/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "attest/evidence/evidence_int.h"

const char *evidence_strerror(enum evidence_result r)
{
	switch (r) {
	case EVIDENCE_OK:
		return "evidence verifies";
	case EVIDENCE_E_MALFORMED:
		return "evidence bundle is malformed";
	case EVIDENCE_E_CHAIN:
		return "certificate chain does not verify";
	case EVIDENCE_E_REPORT_SIGNATURE:
		return "report signature does not verify";
	case EVIDENCE_E_REPORT_TCB:
		return "report TCB or chip id does not match the VCEK";
	case EVIDENCE_E_REPORT_POLICY:
		return "report policy is not acceptable";
	case EVIDENCE_E_MEASUREMENT:
		return "measurement is not in the reference values";
	case EVIDENCE_E_REPORT_DATA:
		return "REPORT_DATA does not bind the AK and the nonce";
	case EVIDENCE_E_NONCE:
		return "nonce does not match";
	case EVIDENCE_E_QUOTE:
		return "quote does not verify with the AK";
	case EVIDENCE_E_QUOTE_NONCE:
		return "quote nonce does not match";
	case EVIDENCE_E_QUOTE_PCRS:
		return "PCR values in the bundle are not the quoted ones";
	case EVIDENCE_E_EVENT_LOG:
		return "event log does not replay";
	case EVIDENCE_E_PCR:
		return "a quoted PCR differs from the replayed event log";
	case EVIDENCE_E_HOST_DATA:
		return "HOST_DATA is not the task manifest's digest";
	case EVIDENCE_E_EVENTS:
		return "event log is not the sequence kettle-vmm records";
	case EVIDENCE_E_MANIFEST:
		return "task manifest disagrees with the event log";
	case EVIDENCE_E_NOMEM:
		return "out of memory or crypto library failure";
	}
	return "unknown evidence result";
}

enum evidence_result evidence_fail(char *err, size_t errlen,
				   enum evidence_result r, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}
