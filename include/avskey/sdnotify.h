/* systemd sd_notify protocol (Type=notify services). */
#ifndef AVSKEY_SDNOTIFY_H
#define AVSKEY_SDNOTIFY_H

#ifdef __cplusplus
extern "C" {
#endif

/* Sends state ("READY=1", "STOPPING=1", "RELOADING=1") to $NOTIFY_SOCKET.
 * Returns: 1 sent, 0 not under systemd, -1 on a socket error. */
int avskey_sd_notify(const char *state);

#ifdef __cplusplus
}
#endif
#endif
