-- Neovim 0.11+: put this file at ~/.config/nvim/lsp/claim_lsp.lua and add to init.lua
--   vim.lsp.enable('claim_lsp')
-- (No Lua module needed. For vault detection, keymaps and 0.8-0.10 use lua/claim_lsp/.)
return {
  cmd = { 'claim-lsp' },
  filetypes = { 'markdown' },
  -- the vault's root: the first of these found above the note (as `claim-lsp check` finds it)
  root_markers = { '.claim-lsp.toml', '.obsidian', '.git' },
  -- the same settings as the vault's .claim-lsp.toml, e.g.
  -- init_options = { ignore = { 'templates/**' }, severity = { ['title-mismatch'] = 'off' } },
}
