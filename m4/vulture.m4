# Compiler and linker flag checks in plain autoconf (the autoconf-archive's
# AX_CHECK_COMPILE_FLAG and AX_CHECK_LINK_FLAG, without the dependency).

# VULTURE_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
# Whether $CC compiles a program with FLAG added to CFLAGS. -Werror: a
# compiler that only warns about a flag it ignores does not have it.
AC_DEFUN([VULTURE_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([vulture_cv], [vulture_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [vulture_cv], [
    vulture_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [[return 0;]])],
      [AS_VAR_SET([vulture_cv], [yes])], [AS_VAR_SET([vulture_cv], [no])])
    CFLAGS=$vulture_save_CFLAGS])
  AS_VAR_IF([vulture_cv], [yes], [$2], [$3])
  AS_VAR_POPDEF([vulture_cv])
])

# VULTURE_CHECK_LDFLAG(CFLAGS, LDFLAGS, [ACTION-IF-OK], [ACTION-IF-NOT])
# Whether a program compiled with CFLAGS links with LDFLAGS.
AC_DEFUN([VULTURE_CHECK_LDFLAG], [
  AS_VAR_PUSHDEF([vulture_cv], [vulture_cv_ldflag_$1_$2])
  AC_CACHE_CHECK([whether $CC links with $2], [vulture_cv], [
    vulture_save_CFLAGS=$CFLAGS
    vulture_save_LDFLAGS=$LDFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    LDFLAGS="$LDFLAGS $2"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <stdio.h>]],
      [[puts("x"); return 0;]])],
      [AS_VAR_SET([vulture_cv], [yes])], [AS_VAR_SET([vulture_cv], [no])])
    CFLAGS=$vulture_save_CFLAGS
    LDFLAGS=$vulture_save_LDFLAGS])
  AS_VAR_IF([vulture_cv], [yes], [$3], [$4])
  AS_VAR_POPDEF([vulture_cv])
])
