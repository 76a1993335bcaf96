/* mhd.c: libmicrohttpd, loaded when the web server first uses it.
 *
 * Linked in, libmicrohttpd makes every isms command pay for it before
 * main: the dynamic loader maps and relocates its dependency chain
 * (GnuTLS, p11-kit, nettle, hogweed, GMP, libidn2, libunistring, libtasn1,
 * libffi) and runs GnuTLS's initialiser: some 5 million instructions, 40%
 * of a `risk show`, for a library that only `isms serve` calls. So isms
 * does not link it: this file defines the libmicrohttpd functions src/web
 * calls, each forwarding to the library, which the first call loads
 * (dlopen of libmicrohttpd.so.12, then dlsym of every function below, once,
 * under pthread_once: the server's threads call these concurrently).
 * src/web stays written as plain libmicrohttpd calls; a function it
 * starts to use is added to ISMS_MHD_FUNCTIONS and given a forwarder
 * below (else the build fails to link, as nothing provides it). */
#include <microhttpd.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The soname of Debian's libmicrohttpd12 (every 0.9.x release). */
#define LIBMHD "libmicrohttpd.so.12"

/* clang-format off */
#define ISMS_MHD_FUNCTIONS(X) \
    X(MHD_add_response_header) \
    X(MHD_create_post_processor) \
    X(MHD_create_response_from_buffer) \
    X(MHD_create_response_from_callback) \
    X(MHD_del_response_header) \
    X(MHD_destroy_post_processor) \
    X(MHD_destroy_response) \
    X(MHD_get_connection_info) \
    X(MHD_get_connection_values) \
    X(MHD_get_daemon_info) \
    X(MHD_get_response_header) \
    X(MHD_http_unescape) \
    X(MHD_lookup_connection_value) \
    X(MHD_post_process) \
    X(MHD_queue_response) \
    X(MHD_quiesce_daemon) \
    X(MHD_resume_connection) \
    X(MHD_set_connection_value) \
    X(MHD_start_daemon_va) \
    X(MHD_stop_daemon) \
    X(MHD_suspend_connection)
/* clang-format on */

static struct {
#define ISMS_MHD_POINTER(name) __typeof__(name) *name;
    ISMS_MHD_FUNCTIONS(ISMS_MHD_POINTER)
#undef ISMS_MHD_POINTER
} api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *lib = dlopen(LIBMHD, RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "isms: the web server needs %s, which cannot be loaded: %s\n", LIBMHD,
                dlerror());
        return;
    }
    void *sym;
#define ISMS_MHD_LOAD(name)                                                       \
    sym = dlsym(lib, #name);                                                      \
    if (!sym) {                                                                   \
        fprintf(stderr, "isms: %s has no %s: too old for isms\n", LIBMHD, #name); \
        return;                                                                   \
    }                                                                             \
    memcpy(&api.name, &sym, sizeof sym);
    ISMS_MHD_FUNCTIONS(ISMS_MHD_LOAD)
#undef ISMS_MHD_LOAD
    loaded = 1;
}

/* 1 when the library is there: only MHD_start_daemon can be the first
 * call (nothing else has a daemon, connection or response to act on). */
static int ready(void)
{
    pthread_once(&once, load);
    return loaded;
}

/* Any other call before the library is there is a bug in the caller:
 * stop rather than call through a null pointer. */
static void need(void)
{
    if (!ready())
        abort();
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    if (!ready())
        return NULL;
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = api.MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

struct MHD_Daemon *MHD_start_daemon_va(unsigned int flags, uint16_t port,
                                       MHD_AcceptPolicyCallback apc, void *apc_cls,
                                       MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap)
{
    return ready() ? api.MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap) : NULL;
}

void MHD_stop_daemon(struct MHD_Daemon *daemon)
{
    need();
    api.MHD_stop_daemon(daemon);
}

MHD_socket MHD_quiesce_daemon(struct MHD_Daemon *daemon)
{
    need();
    return api.MHD_quiesce_daemon(daemon);
}

/* The information asked for is named by the type alone: libmicrohttpd
 * reads none of the variable arguments of these two. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
                                                enum MHD_DaemonInfoType info_type, ...)
{
    need();
    return api.MHD_get_daemon_info(daemon, info_type);
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
                                                        enum MHD_ConnectionInfoType info_type, ...)
{
    need();
    return api.MHD_get_connection_info(connection, info_type);
}

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                        const char *key)
{
    need();
    return api.MHD_lookup_connection_value(connection, kind, key);
}

int MHD_get_connection_values(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                              MHD_KeyValueIterator iterator, void *iterator_cls)
{
    need();
    return api.MHD_get_connection_values(connection, kind, iterator, iterator_cls);
}

enum MHD_Result MHD_set_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                         const char *key, const char *value)
{
    need();
    return api.MHD_set_connection_value(connection, kind, key, value);
}

size_t MHD_http_unescape(char *val)
{
    need();
    return api.MHD_http_unescape(val);
}

void MHD_suspend_connection(struct MHD_Connection *connection)
{
    need();
    api.MHD_suspend_connection(connection);
}

void MHD_resume_connection(struct MHD_Connection *connection)
{
    need();
    api.MHD_resume_connection(connection);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
    need();
    return api.MHD_queue_response(connection, status_code, response);
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode)
{
    need();
    return api.MHD_create_response_from_buffer(size, buffer, mode);
}

struct MHD_Response *MHD_create_response_from_callback(uint64_t size, size_t block_size,
                                                       MHD_ContentReaderCallback crc, void *crc_cls,
                                                       MHD_ContentReaderFreeCallback crfc)
{
    need();
    return api.MHD_create_response_from_callback(size, block_size, crc, crc_cls, crfc);
}

void MHD_destroy_response(struct MHD_Response *response)
{
    need();
    api.MHD_destroy_response(response);
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *response, const char *header,
                                        const char *content)
{
    need();
    return api.MHD_add_response_header(response, header, content);
}

enum MHD_Result MHD_del_response_header(struct MHD_Response *response, const char *header,
                                        const char *content)
{
    need();
    return api.MHD_del_response_header(response, header, content);
}

const char *MHD_get_response_header(struct MHD_Response *response, const char *key)
{
    need();
    return api.MHD_get_response_header(response, key);
}

struct MHD_PostProcessor *MHD_create_post_processor(struct MHD_Connection *connection,
                                                    size_t buffer_size, MHD_PostDataIterator iter,
                                                    void *iter_cls)
{
    need();
    return api.MHD_create_post_processor(connection, buffer_size, iter, iter_cls);
}

enum MHD_Result MHD_post_process(struct MHD_PostProcessor *pp, const char *post_data,
                                 size_t post_data_len)
{
    need();
    return api.MHD_post_process(pp, post_data, post_data_len);
}

enum MHD_Result MHD_destroy_post_processor(struct MHD_PostProcessor *pp)
{
    need();
    return api.MHD_destroy_post_processor(pp);
}
