/* cmd_ledger.h: what `isms verify` borrows from the checkpoint commands. */
#ifndef ISMS_CLI_CMD_LEDGER_H
#define ISMS_CLI_CMD_LEDGER_H

#include "cli/cli_internal.h"
#include "domain/integrity/tree.h"

/* Reads the --checkpoint files and --pubkey keys of the command line into
 * `in` (memory from the command's arena). *any is set when there are some. */
int cli_checkpoint_inputs(cli *c, ckpt_inputs *in, isms_err *e);

#endif
