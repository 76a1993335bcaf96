/* asset_needs.h: each asset's inherited protection needs, kept as assets
 * are written (0031), so that showing one asset, a page of them or the
 * dashboard reads one row, not every asset and dependency. The rule is
 * assets.h's maximum principle; asset_needs.c keeps it. */
#ifndef ISMS_DOMAIN_ASSET_NEEDS_H
#define ISMS_DOMAIN_ASSET_NEEDS_H

#include "domain/registers/assets.h"

/* After a write of `after` (an asset; `before` its previous version, NULL
 * for an add): what the assets it depends on, directly or not, inherit
 * again, from their dependents, in dependency order, as far as something
 * changes; and the kept count of the raised (STORE_RAISED_TALLY). In the
 * writer's transaction. */
int dom_asset_needs_changed(dom *d, const record *before, const record *after, isms_err *e);
/* Every asset's kept needs again from the whole graph (an upgrade, an
 * import), the count too. */
int dom_asset_needs_rebuild(dom *d, isms_err *e);
/* How many assets keep needs other than the whole graph gives (*wrong),
 * and how many active assets the graph raises above a stated need. */
int dom_asset_needs_check(dom *d, int64_t *wrong, int64_t *raised, isms_err *e);
/* Asset #id's needs as kept (stated, inherited, where from). */
int dom_asset_need_kept(dom *d, int64_t id, asset_need *out, isms_err *e);

#endif
