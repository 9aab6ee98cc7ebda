/* evict.h: maxmemory: keys evicted by the maxmemory-policy, as Redis's
 * performEvictions. */
#ifndef MODIS_EVICT_H
#define MODIS_EVICT_H

/* What evict_run found. */
enum {
    EVICT_OK,      /* under maxmemory (or no maxmemory) */
    EVICT_RUNNING, /* still over, but the time for this call ran out: a
                      timer goes on between commands */
    EVICT_FAIL     /* over maxmemory and nothing (more) can be evicted */
};

/* Called before a command runs: while used memory is over maxmemory, deletes
 * the keys the policy picks, for at most the time maxmemory-eviction-tenacity
 * allows. noeviction deletes nothing. */
int evict_run(void);
/* Evicts from a timer that fires at once, again and again while eviction
 * runs out of its time (maxmemory was lowered, or a command's share of the
 * work ran out). */
void evict_request(void);
/* Forgets the sampled candidates (FLUSHALL, a database swap, policy change). */
void evict_pool_clear(void);

#endif
