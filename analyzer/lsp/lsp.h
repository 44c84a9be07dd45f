/* lsp.h: `vtlint --lsp`, a Language Server over a pair of file descriptors. */
#ifndef VTLINT_LSP_H
#define VTLINT_LSP_H

/*
 * Serves LSP (JSON-RPC with Content-Length framing) reading in_fd and
 * writing out_fd until the client sends `exit` or closes in_fd.  Files
 * outside any compilation database are analysed with fallback_args (the
 * arguments after `--`).  Returns the process exit status: 0 when `exit`
 * came after `shutdown`, 1 otherwise.
 */
int vt_lsp_serve(int in_fd, int out_fd, char *const *fallback_args, int nargs);

#endif /* VTLINT_LSP_H */
