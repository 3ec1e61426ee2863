#!/usr/bin/python3
"""Regenerates src/vultured.conf.5 from conf/vultured.conf (the sample is
the one place where keys and defaults are documented; tests/check_config.c
checks that both list every key of the settings table)."""
import sys

conf = open(sys.argv[1]).read()
out = [""".Dd November 22, 2026
.Dt VULTURED.CONF 5
.Os
.Sh NAME
.Nm vultured.conf
.Nd configuration of vultured and vulturectl
.Sh DESCRIPTION
A GLib key file: sections in brackets, then
.Ql key = value
lines; a line starting with
.Ql #
is a comment, and so is the rest of a value after whitespace and
.Ql # .
The file is checked as a whole: every problem is reported as
.Ql file:line: message
.Pq Nm vulturectl Cm check-config
and a file with any error is refused.
Files named by
.Cm *_file
keys hold secrets (the password on the first line) and must not be
readable by group or others.
.Pp
The keys, with their defaults:"""]
section = None
comment = []
for line in conf.splitlines()[6:]:
    if line.startswith('['):
        if section:
            out.append('.El')
        section = line.strip('[]')
        out.append('.Ss [%s]' % section)
        out.append('.Bl -tag -width Ds')
        comment = []
    elif line.startswith('#'):
        comment.append(line.lstrip('# ').rstrip())
    elif '=' in line:
        k, v = [x.strip() for x in line.split('=', 1)]
        out.append('.It Cm %s = %s' % (k, v if v else '(empty)'))
        if comment:
            txt = ' '.join(comment).replace('\\', '\\\\')
            out.append(txt if not txt.startswith('.') else '\\&' + txt)
        comment = []
out.append('.El')
out.append(""".Sh FILES
.Bl -tag -width Ds
.It Pa /etc/vulture/vultured.conf
The default location; see also
.Ev VULTURE_CONFIG .
.It Pa templates_dir/{en,ja}/KIND.tmpl
The notice templates: the first line is
.Ql Subject: ... ,
then a blank line and the body, with
.Ql {{name}}
variables,
.Ql {{#list}}...{{/list}}
sections and
.Ql {{^name}}...{{/name}}
inverted sections.
Changing them needs no rebuild;
.Dv SIGHUP
reloads them, and
.Nm vulturectl Cm check-config
compiles them.
.El
.Sh SEE ALSO
.Xr vulturectl 1 ,
.Xr vultured 8""")
sys.stdout.write('\n'.join(out) + '\n')
