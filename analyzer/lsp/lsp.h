/* lsp.h: `vtlint --lsp`, a Language Server over a pair of file descriptors. */
#ifndef VTLINT_LSP_H
#define VTLINT_LSP_H

#include "../inputs.h"

/*
 * Serves LSP (JSON-RPC with Content-Length framing) reading in_fd and
 * writing out_fd until the client sends `exit` or closes in_fd.  Each file
 * gets the command and the rule settings the command line would give it
 * (co, run).  Returns the process exit status: 0 when `exit` came after
 * `shutdown`, 1 otherwise.
 */
int vt_lsp_serve(int in_fd, int out_fd, const vt_cmd_opts *co, const vt_run_opts *run);

#endif /* VTLINT_LSP_H */
