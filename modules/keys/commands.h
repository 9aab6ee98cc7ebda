/* commands.h: COMMAND INFO/DOCS metadata of the keys module (arguments, key specs, history). */
#ifndef MODIS_KEYS_COMMANDS_H
#define MODIS_KEYS_COMMANDS_H

#include <modis/module.h>

#define KEYS_GROUP "generic"

/* Arguments, each array ending with a NULL name. */
extern const modis_arg keys_args_key[];        /* key */
extern const modis_arg keys_args_keys_multi[]; /* key [key ...] */
extern const modis_arg keys_args_expire[];     /* key seconds [NX|XX|GT|LT] */
extern const modis_arg keys_args_pexpire[];    /* key milliseconds [NX|XX|GT|LT] */
extern const modis_arg keys_args_expireat[];   /* key unix-time-seconds [NX|XX|GT|LT] */
extern const modis_arg keys_args_pexpireat[];  /* key unix-time-milliseconds [NX|XX|GT|LT] */
extern const modis_arg keys_args_pattern[];    /* pattern */
extern const modis_arg keys_args_scan[];       /* cursor [MATCH] [COUNT] [TYPE] */
extern const modis_arg keys_args_rename[];     /* key newkey */
extern const modis_arg keys_args_copy[];       /* source destination [DB] [REPLACE] */
extern const modis_arg keys_args_move[];       /* key db */
extern const modis_arg keys_args_swapdb[];     /* index1 index2 */

/* Key specs, each array ending with begin_type 0. */
extern const modis_key_spec keys_ks_delete_all[]; /* RM delete, argv[1..] */
extern const modis_key_spec keys_ks_read_all[];   /* RO, argv[1..] */
extern const modis_key_spec keys_ks_read_one[];   /* RO, argv[1] */
extern const modis_key_spec keys_ks_access_one[]; /* RO access, argv[1] */
extern const modis_key_spec keys_ks_update_one[]; /* RW update, argv[1] */
extern const modis_key_spec keys_ks_rename[];     /* RW access delete, OW update */
extern const modis_key_spec keys_ks_renamenx[];   /* RW access delete, OW insert */
extern const modis_key_spec keys_ks_copy[];       /* RO access, OW update */
extern const modis_key_spec keys_ks_move[];       /* RW access update, argv[1] */
extern const modis_key_spec keys_ks_object[];     /* RO, argv[2] */

/* History, each array ending with a NULL version. */
extern const modis_history keys_hist_exists[];
extern const modis_history keys_hist_expire[];
extern const modis_history keys_hist_ttl[];
extern const modis_history keys_hist_renamenx[];
extern const modis_history keys_hist_scan[];

/* Command tips shared by the multi-key commands. */
#define KEYS_TIPS_MULTI_SHARD "request_policy:multi_shard response_policy:agg_sum"

#endif
