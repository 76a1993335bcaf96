/* pages.c: the HTML pages that are no register's own: the start, the
 * index of registers. */
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "web/html.h"
#include "web/web_internal.h"

int page_registers(web_req *r, isms_err *e)
{
    page_begin(r, "Registers", NAV_REGISTERS);
    html_f(&r->out,
           "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Register</th>"
           "<th scope=\"col\">Holds</th><th scope=\"col\">Records</th></tr></thead><tbody>");
    for (int i = 0; registers[i]; i++) {
        const regdef *reg = registers[i];
        int64_t n = 0; /* from the kept figures: the same at any size */
        int rc = dom_count_active(r->d, reg, &n, e);
        if (rc)
            return rc;
        html_f(&r->out, "<tr><td><a href=\"/%u\">%s</a></td><td>%s</td><td>%D</td></tr>",
               reg->plural, reg->plural, reg->summary, n);
    }
    html_f(&r->out, "</tbody></table></div><p>Across the registers: <a "
                    "href=\"/responsibilities\">the responsibility matrix</a> (who owns what, "
                    "and the gaps).</p>");
    page_end(r);
    return 0;
}
