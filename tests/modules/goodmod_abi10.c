/* goodmod_abi10.c: goodmod declaring ABI 1.0, as a module built before 1.1. Its type
 * methods carry a refcount method (a 1.1 field) that answers 999: a server that read
 * the field from a 1.0 module would show it in OBJECT REFCOUNT. */
#define GOODMOD_NAME "goodmod_abi10"
#define GOODMOD_UNLOAD 1
#define GOODMOD_ABI_MINOR 0
#include "goodmod.c"
