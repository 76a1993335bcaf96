/* checkpoints.c (backup): the checkpoint table as JSON, and back. */
#include "backup/checkpoint_rows.h"

#include <stdio.h>

static int add_checkpoint(const store_checkpoint *c, void *ctx, isms_err *e)
{
    (void)e;
    jsw *w = ctx;
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?, s:s}", "id", (json_int_t)c->id, "created_at",
                  c->created_at, "actor", c->actor, "size", (json_int_t)c->size, "root", c->root,
                  "signed_by", c->signed_by, "signature", c->signature);
    jsw_value(w, NULL, o);
    json_decref(o);
    return w->failed ? E_IO : 0;
}

int backup_checkpoints_export(dom *d, jsw *w, isms_err *e)
{
    jsw_open(w, "checkpoints", '[');
    int rc = store_checkpoint_scan(dom_store(d), add_checkpoint, w, e);
    jsw_close(w);
    return rc;
}

int backup_checkpoints_import(store *s, const json_t *arr, isms_err *e)
{
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return err_set(e, E_INVALID, "/checkpoints", "/checkpoints: expected an array");
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        store_checkpoint c = { 0 };
        json_int_t id = 0, size = 0;
        if (json_unpack(o, "{s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "id", &id, "created_at",
                        &c.created_at, "actor", &c.actor, "size", &size, "root", &c.root,
                        "signed_by", &c.signed_by, "signature", &c.signature) ||
            id < 1)
            return err_set(e, E_INVALID, "/checkpoints",
                           "/checkpoints/%zu: not a checkpoint (id, "
                           "created_at, actor, size, root, signed_by, signature)",
                           i);
        c.id = id;
        c.size = size;
        int rc = store_checkpoint_insert(s, &c, e);
        if (rc)
            return err_set(e, rc, "/checkpoints", "/checkpoints/%zu: %s", i, e ? e->msg : "");
    }
    return 0;
}

/* ctx: the store copied to. */
static int copy_checkpoint(const store_checkpoint *c, void *ctx, isms_err *e)
{
    store_checkpoint row = *c;
    return store_checkpoint_insert(ctx, &row, e);
}

int backup_checkpoints_copy(store *from, store *to, isms_err *e)
{
    return store_checkpoint_scan(from, copy_checkpoint, to, e);
}
