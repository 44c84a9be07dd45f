#!/bin/sh
# nvim_test.sh VTLINT INCDIR WORKDIR: a real editor's LSP client (Neovim's
# built-in one, headless) on a project with a compile database: vtlint's
# finding shows on the unsaved buffer with its rule and note, and goes away
# when the buffer (not the file) is fixed.
set -u
VTLINT=$1 INC=$2 WORK=$3
command -v nvim >/dev/null 2>&1 || { echo "nvim_test: nvim is not installed (make deps)" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK/src" "$WORK/build"
cat >"$WORK/src/app.c" <<'C'
#include <vtask.h>
#ifndef FROM_DB
#error "the flags must come from compile_commands.json"
#endif
vtask fetch(int key);
int handler(int key)
{
	vtask v = fetch(key);
	vtask_await(v, 0);
	return vtask_await(v, 0);
}
C
cat >"$WORK/build/compile_commands.json" <<J
[{"directory": "$WORK", "file": "src/app.c",
  "arguments": ["cc", "-DFROM_DB", "-I$INC", "-c", "src/app.c"]}]
J
cat >"$WORK/test.lua" <<L
local out = io.open('$WORK/result.txt', 'w')
local client = vim.lsp.start_client({ name = 'vtlint', cmd = { '$VTLINT', '--lsp' }, root_dir = '$WORK' })
vim.lsp.buf_attach_client(0, client)
local function dump(tag, want)
  vim.wait(20000, function() return #vim.diagnostic.get(0) == want end, 50)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    out:write(string.format('%s: %d:%d %s %s notes=%d\n', tag, d.lnum + 1, d.col + 1,
      tostring(d.code or lsp.code), d.message, lsp.relatedInformation and #lsp.relatedInformation or 0))
  end
  out:write(tag .. ': ' .. #vim.diagnostic.get(0) .. '\n')
end
dump('opened', 1)
vim.api.nvim_buf_set_lines(0, 8, 9, false, {})   -- drop the first await, unsaved
dump('fixed', 0)
out:close()
vim.lsp.stop_client(client)
vim.cmd('qa!')
L
cd "$WORK" && timeout 120 nvim --headless -u NONE -i NONE src/app.c -c "luafile $WORK/test.lua" >/dev/null 2>&1
cat "$WORK/result.txt" 2>/dev/null
grep -q '^opened: 10:9 VT001 vtask .v. is consumed a second time notes=1$' "$WORK/result.txt" &&
	grep -q '^fixed: 0$' "$WORK/result.txt" &&
	grep -q 'return vtask_await(v, 0);' "$WORK/src/app.c" && # the file on disk was never fixed
	grep -c 'vtask_await' "$WORK/src/app.c" | grep -q '^2$'
