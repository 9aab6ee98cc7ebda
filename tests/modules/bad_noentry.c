/* bad_noentry.c: a shared object without the modis entry point (the loader must refuse it). */
#include <modis/module.h>

/* Looks like a module but never defines modis_module_entry. */
int bad_noentry_answer(void);
int bad_noentry_answer(void)
{
    return 42;
}
