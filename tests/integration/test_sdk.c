/* test_sdk.c: runs scripts/sdk-check on this build: install, build examples/hello both ways, run it
 * in the installed server.
 *
 * Skipped when a tool the check needs (cmake, cc, make, pkg-config,
 * redis-cli) is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int have(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static void the_installed_sdk_builds_and_runs_the_example_module(void **state)
{
    (void)state;
    static const char *const tools[] = {"cmake", "cc", "make", "pkg-config", "redis-cli"};
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        if (!have(tools[i])) {
            fprintf(stderr, "%s is not installed: skipping the SDK check\n", tools[i]);
            skip();
        }
    }
    const char *src = getenv("MODIS_SOURCE_DIR");
    const char *bin = getenv("MODIS_BIN");
    assert_non_null(src);
    assert_non_null(bin);
    /* The build directory is where modis-server is. */
    char build[PATH_MAX];
    snprintf(build, sizeof build, "%s", bin);
    char *bdir = dirname(build);

    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "'%s/scripts/sdk-check' --no-build '%s' 2>&1", src, bdir);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_installed_sdk_builds_and_runs_the_example_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
