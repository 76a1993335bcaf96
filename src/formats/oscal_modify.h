/* oscal_modify.h: a profile's modify (oscal_modify.c). */
#ifndef ISMS_FORMATS_OSCAL_MODIFY_H
#define ISMS_FORMATS_OSCAL_MODIFY_H

#include <jansson.h>

/* Told of a set-parameter or alter (index i) whose target id is not in the
 * resolved catalog: the specification asks for no error. */
typedef void (*oscal_modify_warn)(void *ctx, size_t i, const char *what, const char *id);

int oscal_set_parameters(json_t *catalog, const json_t *sets, oscal_modify_warn warn, void *ctx);
int oscal_alter(json_t *catalog, const json_t *alters, oscal_modify_warn warn, void *ctx);
json_t *oscal_find_control(json_t *catalog, const char *id);
/* merge custom (oscal_custom.c): the catalog's controls into the directive's groups. */
void oscal_merge_custom(json_t *catalog, const json_t *custom);

/* Loose parameters (oscal_loose.c): pool is every param of the imported
 * catalogs (oscal_collect_params; the groups' too when merged flat); those
 * that the kept controls insert and do not hold become the resolved
 * catalog's params. */
void oscal_loose_params(json_t *catalog, const json_t *pool);
void oscal_collect_params(const json_t *node, int groups_too, json_t *pool);

#endif
