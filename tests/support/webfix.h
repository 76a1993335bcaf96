/* webfix.h: the web tests' fixture: the demo repository (plus a person who
 * only reads), served in-process by a real server on an ephemeral loopback
 * port, and requests made as one of its people through an API token. */
#ifndef ISMS_TEST_WEBFIX_H
#define ISMS_TEST_WEBFIX_H

#include "support/httpc.h"

#include <stddef.h>
#include <stdint.h>

struct json_t;

/* Creates the repository `name` and starts serving it (body limit 64 KiB). */
void wf_start(const char *name);
void wf_stop(void);
/* wf_start("web.isms") and wf_stop as a cmocka group set-up and teardown, for the tests that
 * need the fixture alone. */
int wf_setup(void **state);
int wf_teardown(void **state);
int wf_port(void);
const char *wf_repo(void);

/* The demo's people by what they are, as e-mail addresses. */
#define WF_LEAD "mara.lindqvist@nordhafen.example"   /* isms-lead, risk-owner, control-owner */
#define WF_BOARD "dana.berg@nordhafen.example"       /* management-body */
#define WF_OWNER "tomasz.nowak@nordhafen.example"    /* risk-owner, asset-owner (PER-4) */
#define WF_AUDITOR "lena.hoffmann@nordhafen.example" /* internal-auditor */
#define WF_READER "rita.reader@nordhafen.example"    /* reader (added by the fixture) */

/* Starts `isms serve` on `repo` as a process of its own, on any free
 * port (*port), its log appended to `log`, idle connections closed after
 * a second: its pid (the caller kills it). */
int wf_spawn(const char *repo, const char *log, int *port);
/* The same with one more option and its value (option NULL: none). */
int wf_spawn_with(const char *repo, const char *log, int *port, const char *option,
                  const char *value);

/* Gives `who` a web account with `password` (through the CLI, the password on stdin). */
void wf_user(const char *who, const char *password);
/* An API token acting for `who` (made once, through the CLI). */
const char *wf_token(const char *who);
/* A request as `who` (NULL: nobody), with a JSON body (NULL: none) and
 * extra header lines (NULL: none). */
void wf_req(tu_http *r, const char *who, const char *method, const char *path, const char *body,
            const char *headers);
/* A form posted as `who` (NULL: nobody; by token, so no CSRF field is
 * needed), its body application/x-www-form-urlencoded as given. */
void wf_form(tu_http *r, const char *who, const char *path, const char *form);
/* GET path as `who` (NULL: nobody): the body (the caller frees), the
 * test failed when the status is not `status`. */
char *wf_page(const char *who, const char *path, int status);
/* The "total" of a list the API answers at path, asked as the lead. */
int64_t wf_total(const char *path);
/* The body as JSON (fails the test if it is not); the caller decrefs. */
struct json_t *wf_json(const tu_http *r);
/* The error's field of an error answer (static storage), "" if none. */
const char *wf_error_field(const tu_http *r);

#endif
