/* HOST:PORT parsing shared by the listeners. */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Splits "HOST:PORT" / "[V6]:PORT" into host (static buffer) and port. */
avskey_err avskey_parse_listen(const char *opt, const char *v, char *host, size_t cap, unsigned *port)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v) return avskey_fail(AVSKEY_ERR_USAGE, "%s must be HOST:PORT, not \"%s\"", opt, v);
    const char *h = v;
    size_t hl = (size_t)(colon - v);
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (*end || errno || p > 65535 || colon[1] == '\0' || hl + 1 > cap)
        return avskey_fail(AVSKEY_ERR_USAGE, "%s: bad port in \"%s\"", opt, v);
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (unsigned)p;
    return AVSKEY_OK;
}
