/* Small helpers over libyaml's document API, shared by the --auth-file,
 * --policy and key-config parsers. Internal to src/server. */
#ifndef AVSKEY_SERVER_YAMLUTIL_H
#define AVSKEY_SERVER_YAMLUTIL_H

#include "avskey/common.h"

#include <yaml.h>

#define AVSKEY_YAML_MAX_FILE (1u << 20)   /* 1 MiB for every YAML input */

/* Reads a regular file of at most max bytes into a malloc'd, NUL-terminated
 * buffer. Out: *buf, *len. Returns: AVSKEY_OK, AVSKEY_ERR_NOTFOUND,
 * AVSKEY_ERR_IO, AVSKEY_ERR_MALFORMED (too large, not a regular file). */
avskey_err avskey_yaml_read_file(char **buf, size_t *len, const char *path, size_t max);

/* Loads the single YAML document in buf into *doc (caller deletes it with
 * yaml_document_delete). An empty input gives a document without a root
 * node. More than one document is an error. name is for messages. */
avskey_err avskey_yaml_load_one(yaml_document_t *doc, const char *buf, size_t len,
                                const char *name);

/* Records "NAME: YAML error at line L column C: PROBLEM" (libyaml's static
 * problem text, never input bytes) and returns AVSKEY_ERR_MALFORMED. */
avskey_err avskey_yaml_parser_fail(const yaml_parser_t *p, const char *name);

/* Returns: the NUL-terminated value of a scalar node without embedded NULs,
 * or NULL for any other node. */
const char *avskey_yaml_str(const yaml_node_t *n);
/* Returns: 1 if n is a plain scalar meaning null (~, null, empty). */
int avskey_yaml_is_null(const yaml_node_t *n);
/* Parses true/false (any case). Returns 1 on success. */
int avskey_yaml_bool(const yaml_node_t *n, int *out);
/* Parses a decimal (or 0x hex) unsigned 64-bit integer. Returns 1 on success. */
int avskey_yaml_u64(const yaml_node_t *n, uint64_t *out);

/* Returns: 1 if s is exactly 2*nbytes hex digits after an optional 0x. */
int avskey_yaml_is_hex(const char *s, size_t nbytes);

#endif
