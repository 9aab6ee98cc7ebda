/* goodmod_nounload.c: goodmod without an on_unload hook (MODULE UNLOAD must refuse it). */
#define GOODMOD_NAME "goodmod_nounload"
#include "goodmod.c"
