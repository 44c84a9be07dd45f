#!/bin/sh
# nvim_recipe_test.sh VTLINT SRCDIR WORKDIR: docs/editors.md's Neovim recipe,
# as a user's init.lua, in the Neovim installed here (Debian 12: 0.7): the
# finding shows on the open C file, with its rule and its note.
. "$(dirname "$0")/lib.sh"
command -v nvim >/dev/null 2>&1 || { echo "nvim is not installed (scripts/deps.sh --tests)" >&2; exit 1; }
recipe neovim >"$WORK/init.lua"
test -s "$WORK/init.lua" || { echo "no Neovim recipe in docs/editors.md" >&2; exit 1; }
cat >"$WORK/probe.lua" <<L
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = io.open('$WORK/result.txt', 'w')
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  out:write(string.format('%d:%d %s %s notes=%d\n', d.lnum + 1, d.col + 1,
    tostring(d.code or lsp.code), d.message, lsp.relatedInformation and #lsp.relatedInformation or 0))
end
out:close()
vim.cmd('qa!')
L
nvim --version | head -1
cd "$P" && timeout 120 nvim --headless -u "$WORK/init.lua" -i NONE src/app.c \
	-c "luafile $WORK/probe.lua" >/dev/null 2>&1
cat "$WORK/result.txt" 2>/dev/null
grep -q '^10:9 VT001 vtask .v. is consumed a second time notes=1$' "$WORK/result.txt"
