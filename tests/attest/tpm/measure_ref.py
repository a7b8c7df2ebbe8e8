#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent reference for the launch measurement test.

Recomputes the SEV-SNP PAGE_INFO chain with hashlib and struct for the page
list given on the command line ("type:gpa:fill" triples, fill = -1 for a
page without contents) and prints the final digest in hex. Page contents
are generated the same way the C test generates them: byte j of a page
with fill f is (f + 31 * j) mod 256.
"""
import hashlib
import struct
import sys


def page_bytes(fill):
    return bytes((fill + 31 * j) % 256 for j in range(4096))


def main(args):
    digest = bytes(48)
    for spec in args:
        ptype, gpa, fill = (int(x, 0) for x in spec.split(":"))
        if ptype in (1, 2):
            contents = hashlib.sha384(page_bytes(fill)).digest()
        else:
            contents = bytes(48)
        # DIGEST_CUR, CONTENTS, LENGTH, PAGE_TYPE, IMI_PAGE, VMPL3/2/1
        # permissions, reserved, GPA: little endian, 0x70 bytes
        info = struct.pack("<48s48sHBBBBBBQ", digest, contents, 0x70, ptype,
                           0, 0, 0, 0, 0, gpa)
        assert len(info) == 0x70
        digest = hashlib.sha384(info).digest()
    print(digest.hex())


if __name__ == "__main__":
    main(sys.argv[1:])
