/* AUTHSVC_VERSION: the release of mod_authsvc, from AC_INIT in configure.ac, which
 * passes it to every compilation (-D). Not PACKAGE_VERSION: httpd's ap_config_auto.h
 * redefines that as "" in every file that includes httpd.h. authsvc-admin --version
 * prints it, the module logs it at start-up, and debian/changelog names the same. */
#ifndef AUTHSVC_VERSION_H
#define AUTHSVC_VERSION_H

#ifndef AUTHSVC_VERSION
#error "AUTHSVC_VERSION is not defined: build through configure"
#endif

#endif
