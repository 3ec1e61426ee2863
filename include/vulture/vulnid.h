/* Advisory identifiers: CVE and CWE ids checked as the records that carry
 * them require.  Pure: no I/O. */
#ifndef VULTURE_VULNID_H
#define VULTURE_VULNID_H

/* 1 if s is a CVE id as the CVE JSON 5 schema defines it: "CVE-", a year
 * of four digits from 1999 on, "-", then 4 to 19 digits
 * ("CVE-2027-12345"); else 0.  Upper case only; NULL gives 0. */
int cve_id_valid(const char *s);

/* 1 if s is a CWE id as CSAF 2.0 takes it: "CWE-" and 1 to 6 digits
 * without a leading zero ("CWE-121"); else 0.  NULL gives 0. */
int cwe_id_valid(const char *s);

#endif /* VULTURE_VULNID_H */
