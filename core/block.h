/* block.h: clients blocked on keys: FIFO waiter lists, ready keys, timeouts. */
#ifndef MODIS_BLOCK_H
#define MODIS_BLOCK_H

#include "server.h"

void block_db_init(db *d);
void block_db_deinit(db *d);
/* Key may now serve waiters: queue it if anyone waits on it. */
void block_signal_key(db *d, const char *key, size_t len);
/* Every waited-on key of d (SWAPDB, FLUSH). */
void block_signal_db(db *d);
/* Parks ctx's client (see api->block_on_keys). */
void block_client(modis_ctx *ctx, const modis_str *keys, int nkeys, const modis_type *type,
                  long long timeout_ms, modis_timeout_fn on_timeout);
/* Keys signalled ready and not served yet (block.c's; read-only elsewhere). */
extern int block_nready;
void block_serve_ready(void);
/* Serves waiters of ready keys, in FIFO order, until no key is ready; the
 * test is inline, as it runs after every command. */
static inline void block_handle_ready(void)
{
    if (block_nready > 0)
        block_serve_ready();
}
/* Removes c from every waiter list and cancels its timer; replies nothing.
 * Used on disconnect. */
void block_remove(client *c);
/* Unblocks c as CLIENT UNBLOCK does: with the timeout reply, or with an
 * error when as_error. Returns 0, or -1 when c is not blocked. */
int block_unblock(client *c, int as_error);
/* Resumes the input of clients unblocked since the last call. */
void block_resume_unblocked(void);

#endif
