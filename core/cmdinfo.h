/* cmdinfo.h: COMMAND INFO and COMMAND DOCS replies in Redis 7.0's exact shape. */
#ifndef MODIS_CMDINFO_H
#define MODIS_CMDINFO_H

#include "server.h"

void cmdinfo_reply_info(client *c, command *cmd);
void cmdinfo_reply_docs(client *c, command *cmd);

#endif
