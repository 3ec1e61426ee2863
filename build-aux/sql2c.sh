#!/bin/sh
# Turns sql/NNN-name.sql files into a C array of migration scripts, in the
# order given (the Makefile passes them sorted). Output on stdout.
set -e
srcdir=$1
shift
echo '/* Generated from the sql/ files by build-aux/sql2c.sh; do not edit. */'
echo '#include <stddef.h>'
echo 'const char *const store_migrations[] = {'
for f in "$@"; do
	echo "	/* $f */"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	"/' -e 's/$/\\n"/' "$srcdir/$f"
	echo '	,'
done
echo '	NULL'
echo '};'
