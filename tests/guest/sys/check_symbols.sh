#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The syscall layer calls nothing outside itself but the four functions a
# freestanding C compiler may emit on its own (guest/sys/str.h). Reads the
# static library's symbol table: every symbol its objects use must be
# defined by one of them or be on that list. A sanitizer build adds its
# instrumentation calls (__asan_*, __ubsan_*) and, with them, a reference
# to the linker's _GLOBAL_OFFSET_TABLE_: the build's, not the layer's.
lib=$1
nm=${NM:-nm}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
echo "1..3"
if "$nm" --defined-only "$lib" >"$dir/def.raw" && "$nm" -u "$lib" >"$dir/use.raw"; then
	echo "ok 1 - nm reads $lib"
else
	echo "not ok 1 - nm reads $lib"
	echo "not ok 2 - no symbol from outside # nothing to check"
	echo "not ok 3 - calls between the layer's files are seen # nothing to check"
	exit 0
fi
awk 'NF == 3 { print $3 }' "$dir/def.raw" | sort -u >"$dir/def"
awk 'NF == 2 { print $2 }' "$dir/use.raw" | sort -u >"$dir/use"
bad=$(comm -23 "$dir/use" "$dir/def" |
	grep -vxE 'memcpy|memset|memmove|memcmp|__(asan|ubsan|sanitizer|lsan)_[A-Za-z0-9_]+|_GLOBAL_OFFSET_TABLE_')
if [ -z "$bad" ]; then
	echo "ok 2 - no symbol from outside but memcpy, memset, memmove, memcmp"
else
	echo "not ok 2 - no symbol from outside but memcpy, memset, memmove, memcmp"
	printf '# uses %s\n' $bad
fi
# The check must see the layer's own calls, or it would pass on an empty
# list: sys_dispatch (sys.c) calls sys_handler_for (table.c).
if grep -qx sys_handler_for "$dir/use"; then
	echo "ok 3 - calls between the layer's files are seen"
else
	echo "not ok 3 - calls between the layer's files are seen"
fi
