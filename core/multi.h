/* multi.h: MULTI/EXEC/DISCARD and WATCH, the only commands built into the core. */
#ifndef MODIS_MULTI_H
#define MODIS_MULTI_H

#include "server.h"

void multi_db_init(db *d);
void multi_db_deinit(db *d);
/* A key changed: clients watching it will fail their EXEC. */
void multi_touch_key(db *d, const char *key, size_t len);
/* Every watched key of d changed (FLUSHDB, SWAPDB). */
void multi_touch_db(db *d);
/* Queues a command for EXEC (copies argv). */
void multi_queue(client *c, command *cmd, const modis_str *argv, int argc);
/* Forgets the queue and the watched keys (disconnect, RESET). */
void multi_reset(client *c);
/* Registers the core's transaction commands. */
int multi_register_commands(char *err, size_t errlen);

#endif
