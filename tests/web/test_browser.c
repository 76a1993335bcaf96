/* test_browser.c: the web UI in a real browser. Serves the demo repository
 * (plus a draft appetite for the board to approve) on a loopback port and
 * runs tests/js/browser.test.mjs under Node's test runner: Playwright
 * drives Debian's headless Chromium (/usr/bin/chromium, never a downloaded
 * browser). A missing Chromium or missing npm packages fail the test
 * (scripts/install-deps.sh installs both). Screenshots, those of a failing
 * step included, land in the build directory: browser-out/<backend>/. */
#include "support/testutil.h"
#include "support/webfix.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* `isms demo` gives every person this password (src/cli/cmd_demo.c). */
#define DEMO_PASSWORD "nordhafen-demo"
#define JS_DIR ISMS_SOURCE_DIR "/tests/js"
/* A hung browser fails the test, not the run (a normal run takes well
 * under a minute; the bound leaves room for a loaded machine). */
enum { NODE_SECONDS = 480 };

static const char *chromium(void)
{
    const char *c = getenv("ISMS_CHROMIUM");
    return c && *c ? c : "/usr/bin/chromium";
}

static int setup(void **state)
{
    (void)state;
    wf_start("browser.isms");
    /* a draft the management body approves in the browser: APP-4 */
    char *out = tu_isms_ok(wf_repo(), "--as", WF_LEAD, "appetite", "add", "--objective", "OBJ-3",
                           "--statement", "Outages of online banking cost at most EUR 1m a year",
                           "--appetite", "1000000", "--tolerance", "2500000");
    assert_contains(out, "added APP-4");
    free(out);
    /* CSF current and target profiles, the target asking more of its first
     * subcategory: the profile gap page has a gap to show */
    free(tu_isms_ok(wf_repo(), "soa", "generate", "--framework", "csf-2.0", "--profile", "current",
                    "--tier", "2", "--level", "subcategory"));
    json_t *t =
        tu_json_take(tu_isms_ok(wf_repo(), "soa", "generate", "--framework", "csf-2.0", "--profile",
                                "target", "--tier", "3", "--level", "subcategory", "--json"));
    json_t *doc = tu_json_take(tu_isms_ok(wf_repo(), "soa", "export",
                                          json_string_value(json_object_get(t, "key")), "--json"));
    const char *apl = tu_json_at(json_object_get(doc, "requirements"), 0, "key");
    free(tu_isms_ok(wf_repo(), "applicability", "update", apl, "--implementation", "implemented"));
    json_decref(doc);
    json_decref(t);
    return 0;
}

/* The build directory's browser-out/<backend>/ (ctest runs tests there). */
static void out_dir(char *dir, size_t size)
{
    char cwd[3000];
    if (!getcwd(cwd, sizeof cwd))
        fail_msg("getcwd: %s", strerror(errno));
    snprintf(dir, size, "%s/browser-out", cwd);
    mkdir(dir, 0755);
    snprintf(dir, size, "%s/browser-out/%s", cwd, tu_backend_is_pg() ? "pg" : "sqlite");
    mkdir(dir, 0755);
}

/* Waits for `pid` at most `seconds`, killing it after: its exit status. */
static int wait_bounded(pid_t pid, int seconds)
{
    time_t end = time(NULL) + seconds;
    int status;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (time(NULL) > end) {
            kill(-pid, SIGKILL); /* node, its browser and the browser's children */
            waitpid(pid, &status, 0);
            fail_msg("the browser tests took longer than %d s: killed", seconds);
        }
        usleep(100 * 1000);
    }
}

static void the_web_ui_works_in_a_browser(void **state)
{
    (void)state;
    if (access(chromium(), X_OK))
        fail_msg("no Chromium at %s: run scripts/install-deps.sh (Debian's chromium)", chromium());
    if (access(JS_DIR "/node_modules/playwright-core/package.json", R_OK) ||
        access(JS_DIR "/node_modules/@axe-core/playwright/package.json", R_OK))
        fail_msg("no npm packages in " JS_DIR "/node_modules: run scripts/install-deps.sh "
                 "(npm ci --prefix tests/js)");
    char url[64], dir[3100];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", wf_port());
    out_dir(dir, sizeof dir);
    /* Set here, not in the child: the server's threads run while we fork,
     * and the child may only call async-signal-safe functions. */
    setenv("ISMS_URL", url, 1);
    setenv("ISMS_DEMO_PASSWORD", DEMO_PASSWORD, 1);
    setenv("ISMS_CHROMIUM", chromium(), 1);
    setenv("ISMS_BROWSER_OUT", dir, 1);
    setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", 1);
    /* on PostgreSQL, the tests of how pages look are not run again */
    setenv("ISMS_BROWSER_BACKEND", tu_backend_is_pg() ? "postgres" : "sqlite", 1);
    /* (ISMS_BROWSER_SHOTS=1 in the environment: screenshots of every page) */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        setpgid(0, 0);
        execlp("node", "node", "--test", "--test-reporter=spec", JS_DIR "/browser.test.mjs",
               (char *)NULL);
        static const char msg[] = "cannot run node (Node.js): is it installed?\n";
        if (write(2, msg, sizeof msg - 1) < 0)
            _exit(126);
        _exit(127);
    }
    setpgid(pid, pid);
    int rc = wait_bounded(pid, NODE_SECONDS);
    if (rc)
        fail_msg("browser tests failed (exit %d); screenshots in %s", rc, dir);
}

TU_MAIN(setup, wf_teardown, cmocka_unit_test(the_web_ui_works_in_a_browser))
