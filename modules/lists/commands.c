/* commands.c: the COMMAND INFO / COMMAND DOCS metadata of every list command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"

/* Key specs, histories and arguments, one command after the other. The
 * complexity texts, histories and argument trees follow Redis 7.0.15; the
 * summaries are modis's own words. */

static const modis_key_spec lpush_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_INSERT,
                                             .begin_type = MODIS_KS_BEGIN_INDEX,
                                             .bs_index = 1,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = 0,
                                             .fk_keystep = 1,
                                             .fk_limit = 0},
                                            {0}};

static const modis_history lpush_history[] = {{"2.4.0", "Accepts multiple `element` arguments."},
                                              {NULL, NULL}};

static const modis_arg lpush_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {0}};

static const modis_key_spec rpush_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_INSERT,
                                             .begin_type = MODIS_KS_BEGIN_INDEX,
                                             .bs_index = 1,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = 0,
                                             .fk_keystep = 1,
                                             .fk_limit = 0},
                                            {0}};

static const modis_history rpush_history[] = {{"2.4.0", "Accepts multiple `element` arguments."},
                                              {NULL, NULL}};

static const modis_arg rpush_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {0}};

static const modis_key_spec lpushx_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_INSERT,
                                              .begin_type = MODIS_KS_BEGIN_INDEX,
                                              .bs_index = 1,
                                              .find_type = MODIS_KS_FIND_RANGE,
                                              .fk_lastkey = 0,
                                              .fk_keystep = 1,
                                              .fk_limit = 0},
                                             {0}};

static const modis_history lpushx_history[] = {{"4.0.0", "Accepts multiple `element` arguments."},
                                               {NULL, NULL}};

static const modis_arg lpushx_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {0}};

static const modis_key_spec rpushx_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_INSERT,
                                              .begin_type = MODIS_KS_BEGIN_INDEX,
                                              .bs_index = 1,
                                              .find_type = MODIS_KS_FIND_RANGE,
                                              .fk_lastkey = 0,
                                              .fk_keystep = 1,
                                              .fk_limit = 0},
                                             {0}};

static const modis_history rpushx_history[] = {{"4.0.0", "Accepts multiple `element` arguments."},
                                               {NULL, NULL}};

static const modis_arg rpushx_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {0}};

static const modis_key_spec lpop_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_history lpop_history[] = {{"6.2.0", "Added the `count` argument."},
                                             {NULL, NULL}};

static const modis_arg lpop_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"count", MODIS_ARG_INTEGER, -1, NULL, NULL, "6.2.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_key_spec rpop_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_history rpop_history[] = {{"6.2.0", "Added the `count` argument."},
                                             {NULL, NULL}};

static const modis_arg rpop_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"count", MODIS_ARG_INTEGER, -1, NULL, NULL, "6.2.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_key_spec llen_keys[] = {{.flags = MODIS_KS_RO,
                                            .begin_type = MODIS_KS_BEGIN_INDEX,
                                            .bs_index = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = 0,
                                            .fk_keystep = 1,
                                            .fk_limit = 0},
                                           {0}};

static const modis_arg llen_args[] = {{"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
                                      {0}};

static const modis_key_spec lrange_keys[] = {{.flags = MODIS_KS_RO | MODIS_KS_ACCESS,
                                              .begin_type = MODIS_KS_BEGIN_INDEX,
                                              .bs_index = 1,
                                              .find_type = MODIS_KS_FIND_RANGE,
                                              .fk_lastkey = 0,
                                              .fk_keystep = 1,
                                              .fk_limit = 0},
                                             {0}};

static const modis_arg lrange_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"start", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"stop", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec lindex_keys[] = {{.flags = MODIS_KS_RO | MODIS_KS_ACCESS,
                                              .begin_type = MODIS_KS_BEGIN_INDEX,
                                              .bs_index = 1,
                                              .find_type = MODIS_KS_FIND_RANGE,
                                              .fk_lastkey = 0,
                                              .fk_keystep = 1,
                                              .fk_limit = 0},
                                             {0}};

static const modis_arg lindex_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"index", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec lset_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_UPDATE,
                                            .begin_type = MODIS_KS_BEGIN_INDEX,
                                            .bs_index = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = 0,
                                            .fk_keystep = 1,
                                            .fk_limit = 0},
                                           {0}};

static const modis_arg lset_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"index", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec linsert_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_INSERT,
                                               .begin_type = MODIS_KS_BEGIN_INDEX,
                                               .bs_index = 1,
                                               .find_type = MODIS_KS_FIND_RANGE,
                                               .fk_lastkey = 0,
                                               .fk_keystep = 1,
                                               .fk_limit = 0},
                                              {0}};

static const modis_arg linsert_args_where[] = {
    {"before", MODIS_ARG_PURE_TOKEN, -1, "BEFORE", NULL, NULL, 0, NULL, NULL},
    {"after", MODIS_ARG_PURE_TOKEN, -1, "AFTER", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg linsert_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"where", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, linsert_args_where},
    {"pivot", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec lrem_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_DELETE,
                                            .begin_type = MODIS_KS_BEGIN_INDEX,
                                            .bs_index = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = 0,
                                            .fk_keystep = 1,
                                            .fk_limit = 0},
                                           {0}};

static const modis_arg lrem_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"count", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec ltrim_keys[] = {{.flags = MODIS_KS_RW | MODIS_KS_DELETE,
                                             .begin_type = MODIS_KS_BEGIN_INDEX,
                                             .bs_index = 1,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = 0,
                                             .fk_keystep = 1,
                                             .fk_limit = 0},
                                            {0}};

static const modis_arg ltrim_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"start", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"stop", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec lpos_keys[] = {{.flags = MODIS_KS_RO | MODIS_KS_ACCESS,
                                            .begin_type = MODIS_KS_BEGIN_INDEX,
                                            .bs_index = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = 0,
                                            .fk_keystep = 1,
                                            .fk_limit = 0},
                                           {0}};

static const modis_arg lpos_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"element", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"rank", MODIS_ARG_INTEGER, -1, "RANK", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {"num-matches", MODIS_ARG_INTEGER, -1, "COUNT", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {"len", MODIS_ARG_INTEGER, -1, "MAXLEN", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_key_spec lmove_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {.flags = MODIS_KS_RW | MODIS_KS_INSERT,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 2,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_arg lmove_args_wherefrom[] = {
    {"left", MODIS_ARG_PURE_TOKEN, -1, "LEFT", NULL, NULL, 0, NULL, NULL},
    {"right", MODIS_ARG_PURE_TOKEN, -1, "RIGHT", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg lmove_args_whereto[] = {
    {"left", MODIS_ARG_PURE_TOKEN, -1, "LEFT", NULL, NULL, 0, NULL, NULL},
    {"right", MODIS_ARG_PURE_TOKEN, -1, "RIGHT", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg lmove_args[] = {
    {"source", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"destination", MODIS_ARG_KEY, 1, NULL, NULL, NULL, 0, NULL, NULL},
    {"wherefrom", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, lmove_args_wherefrom},
    {"whereto", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, lmove_args_whereto},
    {0}};

static const modis_key_spec rpoplpush_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {.flags = MODIS_KS_RW | MODIS_KS_INSERT,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 2,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_arg rpoplpush_args[] = {
    {"source", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"destination", MODIS_ARG_KEY, 1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec lmpop_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_KEYNUM,
     .fk_keynumidx = 0,
     .fk_firstkey = 1,
     .fk_keystep = 1},
    {0}};

static const modis_arg lmpop_args_where[] = {
    {"left", MODIS_ARG_PURE_TOKEN, -1, "LEFT", NULL, NULL, 0, NULL, NULL},
    {"right", MODIS_ARG_PURE_TOKEN, -1, "RIGHT", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg lmpop_args[] = {
    {"numkeys", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {"where", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, lmpop_args_where},
    {"count", MODIS_ARG_INTEGER, -1, "COUNT", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_key_spec blpop_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = -2,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_history blpop_history[] = {
    {"6.0.0", "`timeout` is interpreted as a double instead of an integer."}, {NULL, NULL}};

static const modis_arg blpop_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {"timeout", MODIS_ARG_DOUBLE, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec brpop_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = -2,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_history brpop_history[] = {
    {"6.0.0", "`timeout` is interpreted as a double instead of an integer."}, {NULL, NULL}};

static const modis_arg brpop_args[] = {
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {"timeout", MODIS_ARG_DOUBLE, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec blmove_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {.flags = MODIS_KS_RW | MODIS_KS_INSERT,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 2,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_arg blmove_args_wherefrom[] = {
    {"left", MODIS_ARG_PURE_TOKEN, -1, "LEFT", NULL, NULL, 0, NULL, NULL},
    {"right", MODIS_ARG_PURE_TOKEN, -1, "RIGHT", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg blmove_args_whereto[] = {
    {"left", MODIS_ARG_PURE_TOKEN, -1, "LEFT", NULL, NULL, 0, NULL, NULL},
    {"right", MODIS_ARG_PURE_TOKEN, -1, "RIGHT", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg blmove_args[] = {
    {"source", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"destination", MODIS_ARG_KEY, 1, NULL, NULL, NULL, 0, NULL, NULL},
    {"wherefrom", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, blmove_args_wherefrom},
    {"whereto", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, blmove_args_whereto},
    {"timeout", MODIS_ARG_DOUBLE, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec brpoplpush_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {.flags = MODIS_KS_RW | MODIS_KS_INSERT,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 2,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = 0,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_history brpoplpush_history[] = {
    {"6.0.0", "`timeout` is interpreted as a double instead of an integer."}, {NULL, NULL}};

static const modis_arg brpoplpush_args[] = {
    {"source", MODIS_ARG_KEY, 0, NULL, NULL, NULL, 0, NULL, NULL},
    {"destination", MODIS_ARG_KEY, 1, NULL, NULL, NULL, 0, NULL, NULL},
    {"timeout", MODIS_ARG_DOUBLE, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_key_spec blmpop_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 2,
     .find_type = MODIS_KS_FIND_KEYNUM,
     .fk_keynumidx = 0,
     .fk_firstkey = 1,
     .fk_keystep = 1},
    {0}};

static const modis_arg blmpop_args_where[] = {
    {"left", MODIS_ARG_PURE_TOKEN, -1, "LEFT", NULL, NULL, 0, NULL, NULL},
    {"right", MODIS_ARG_PURE_TOKEN, -1, "RIGHT", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg blmpop_args[] = {
    {"timeout", MODIS_ARG_DOUBLE, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"numkeys", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"key", MODIS_ARG_KEY, 0, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL},
    {"where", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, blmpop_args_where},
    {"count", MODIS_ARG_INTEGER, -1, "COUNT", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

modis_command lists_commands[] = {
    {
        .name = "lpush",
        .arity = -3,
        .flags = "write denyoom fast",
        .acl_categories = "list",
        .key_specs = lpush_keys,
        .summary = "Insert one or more elements at the head of a list",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                      "called with multiple arguments.",
        .history = lpush_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lpush_args,
    },
    {
        .name = "rpush",
        .arity = -3,
        .flags = "write denyoom fast",
        .acl_categories = "list",
        .key_specs = rpush_keys,
        .summary = "Insert one or more elements at the tail of a list",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                      "called with multiple arguments.",
        .history = rpush_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = rpush_args,
    },
    {
        .name = "lpushx",
        .arity = -3,
        .flags = "write denyoom fast",
        .acl_categories = "list",
        .key_specs = lpushx_keys,
        .summary = "Insert elements at the head of a list, only when the list already exists",
        .since = "2.2.0",
        .group = "list",
        .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                      "called with multiple arguments.",
        .history = lpushx_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lpushx_args,
    },
    {
        .name = "rpushx",
        .arity = -3,
        .flags = "write denyoom fast",
        .acl_categories = "list",
        .key_specs = rpushx_keys,
        .summary = "Insert elements at the tail of a list, only when the list already exists",
        .since = "2.2.0",
        .group = "list",
        .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                      "called with multiple arguments.",
        .history = rpushx_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = rpushx_args,
    },
    {
        .name = "lpop",
        .arity = -2,
        .flags = "write fast",
        .acl_categories = "list",
        .key_specs = lpop_keys,
        .summary = "Remove and return one or more elements from the head of a list",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(N) where N is the number of elements returned",
        .history = lpop_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lpop_args,
    },
    {
        .name = "rpop",
        .arity = -2,
        .flags = "write fast",
        .acl_categories = "list",
        .key_specs = rpop_keys,
        .summary = "Remove and return one or more elements from the tail of a list",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(N) where N is the number of elements returned",
        .history = rpop_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = rpop_args,
    },
    {
        .name = "llen",
        .arity = 2,
        .flags = "readonly fast",
        .acl_categories = "list",
        .key_specs = llen_keys,
        .summary = "Return how many elements a list holds",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(1)",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = llen_args,
    },
    {
        .name = "lrange",
        .arity = 4,
        .flags = "readonly",
        .acl_categories = "list",
        .key_specs = lrange_keys,
        .summary = "Return the elements of a list between two indexes",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                      "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                      "elements in the specified range.",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lrange_args,
    },
    {
        .name = "lindex",
        .arity = 3,
        .flags = "readonly",
        .acl_categories = "list",
        .key_specs = lindex_keys,
        .summary = "Return the element stored at an index of a list",
        .since = "1.0.0",
        .group = "list",
        .complexity =
            "O(N) where N is the number of elements to traverse to get to the element at index. "
            "This makes asking for the first or the last element of the list O(1).",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lindex_args,
    },
    {
        .name = "lset",
        .arity = 4,
        .flags = "write denyoom",
        .acl_categories = "list",
        .key_specs = lset_keys,
        .summary = "Overwrite the element stored at an index of a list",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(N) where N is the length of the list. Setting either the first or the "
                      "last element of the list is O(1).",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lset_args,
    },
    {
        .name = "linsert",
        .arity = 5,
        .flags = "write denyoom",
        .acl_categories = "list",
        .key_specs = linsert_keys,
        .summary =
            "Add an element just before or just after the first occurrence of a pivot element",
        .since = "2.2.0",
        .group = "list",
        .complexity =
            "O(N) where N is the number of elements to traverse before seeing the value pivot. "
            "This means that inserting somewhere on the left end on the list (head) can be "
            "considered O(1) and inserting somewhere on the right end (tail) is O(N).",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = linsert_args,
    },
    {
        .name = "lrem",
        .arity = 4,
        .flags = "write",
        .acl_categories = "list",
        .key_specs = lrem_keys,
        .summary = "Delete occurrences of an element from a list",
        .since = "1.0.0",
        .group = "list",
        .complexity =
            "O(N+M) where N is the length of the list and M is the number of elements removed.",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lrem_args,
    },
    {
        .name = "ltrim",
        .arity = 4,
        .flags = "write",
        .acl_categories = "list",
        .key_specs = ltrim_keys,
        .summary = "Keep only the elements of a list between two indexes, dropping the rest",
        .since = "1.0.0",
        .group = "list",
        .complexity = "O(N) where N is the number of elements to be removed by the operation.",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = ltrim_args,
    },
    {
        .name = "lpos",
        .arity = -3,
        .flags = "readonly",
        .acl_categories = "list",
        .key_specs = lpos_keys,
        .summary = "Find the indexes at which an element occurs in a list",
        .since = "6.0.6",
        .group = "list",
        .complexity = "O(N) where N is the number of elements in the list, for the average case. "
                      "When searching for elements near the head or the tail of the list, or when "
                      "the MAXLEN option is provided, the command may run in constant time.",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lpos_args,
    },
    {
        .name = "lmove",
        .arity = 5,
        .flags = "write denyoom",
        .acl_categories = "list",
        .key_specs = lmove_keys,
        .summary = "Take an element from one end of a list, add it to an end of another list and "
                   "return it",
        .since = "6.2.0",
        .group = "list",
        .complexity = "O(1)",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lmove_args,
    },
    {
        .name = "rpoplpush",
        .arity = 3,
        .flags = "write denyoom",
        .acl_categories = "list",
        .key_specs = rpoplpush_keys,
        .summary =
            "Take the last element of a list, add it to the head of another list and return it",
        .since = "1.2.0",
        .group = "list",
        .complexity = "O(1)",
        .history = NULL,
        .doc_flags = MODIS_DOC_DEPRECATED,
        .deprecated_since = "6.2.0",
        .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments",
        .args = rpoplpush_args,
    },
    {
        .name = "lmpop",
        .arity = -4,
        .flags = "write",
        .acl_categories = "list",
        .key_specs = lmpop_keys,
        .summary = "Remove and return elements from the first non-empty list among several keys",
        .since = "7.0.0",
        .group = "list",
        .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                      "elements returned.",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = lmpop_args,
    },
    {
        .name = "blpop",
        .arity = -3,
        .flags = "write noscript blocking",
        .acl_categories = "list",
        .key_specs = blpop_keys,
        .summary = "Remove and return the head element of the first non-empty list, waiting while "
                   "all are empty",
        .since = "2.0.0",
        .group = "list",
        .complexity = "O(N) where N is the number of provided keys.",
        .history = blpop_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = blpop_args,
    },
    {
        .name = "brpop",
        .arity = -3,
        .flags = "write noscript blocking",
        .acl_categories = "list",
        .key_specs = brpop_keys,
        .summary = "Remove and return the tail element of the first non-empty list, waiting while "
                   "all are empty",
        .since = "2.0.0",
        .group = "list",
        .complexity = "O(N) where N is the number of provided keys.",
        .history = brpop_history,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = brpop_args,
    },
    {
        .name = "blmove",
        .arity = 6,
        .flags = "write denyoom noscript blocking",
        .acl_categories = "list",
        .key_specs = blmove_keys,
        .summary =
            "Move an element between two lists and return it, waiting while the source is empty",
        .since = "6.2.0",
        .group = "list",
        .complexity = "O(1)",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = blmove_args,
    },
    {
        .name = "brpoplpush",
        .arity = 4,
        .flags = "write denyoom noscript blocking",
        .acl_categories = "list",
        .key_specs = brpoplpush_keys,
        .summary = "Move the tail element of a list to the head of another and return it, waiting "
                   "while the source is empty",
        .since = "2.2.0",
        .group = "list",
        .complexity = "O(1)",
        .history = brpoplpush_history,
        .doc_flags = MODIS_DOC_DEPRECATED,
        .deprecated_since = "6.2.0",
        .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
        .args = brpoplpush_args,
    },
    {
        .name = "blmpop",
        .arity = -5,
        .flags = "write blocking",
        .acl_categories = "list",
        .key_specs = blmpop_keys,
        .summary = "Remove and return elements from the first non-empty list among several keys, "
                   "waiting while all are empty",
        .since = "7.0.0",
        .group = "list",
        .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                      "elements returned.",
        .history = NULL,
        .doc_flags = 0,
        .deprecated_since = NULL,
        .replaced_by = NULL,
        .args = blmpop_args,
    },
    {0}};

void lists_set_handler(const char *name, modis_cmd_fn fn)
{
    for (modis_command *c = lists_commands; c->name; c++) {
        if (strcmp(c->name, name) == 0) {
            c->handler = fn;
            return;
        }
    }
    fprintf(stderr, "lists: no metadata for command '%s'\n", name);
    abort();
}
