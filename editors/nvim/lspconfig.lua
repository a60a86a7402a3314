-- nvim-lspconfig entry for claim-lsp, until it ships one. Two ways to use it:
--
-- 1. nvim-lspconfig with the 0.11 API (lspconfig >= 2.0): the file editors/nvim/lsp/claim_lsp.lua
--    is all it takes (copy it to ~/.config/nvim/lsp/), then vim.lsp.enable('claim_lsp').
--
-- 2. Older nvim-lspconfig (require('lspconfig').X.setup{}): register it once, then set it up:
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.claim_lsp then
  configs.claim_lsp = {
    default_config = {
      cmd = { 'claim-lsp' },
      filetypes = { 'markdown' },
      root_dir = function(fname)
        return util.root_pattern('.claim-lsp.toml', '.obsidian', '.git')(fname) or vim.fs.dirname(fname)
      end,
      single_file_support = false,
      init_options = vim.empty_dict(),
    },
    docs = {
      description = [[
https://pypi.org/project/claim-lsp/

Language server for Markdown vaults of claim notes: [[wiki link]] completion, hover,
go-to-definition, backlinks (references), rename and diagnostics. Install the server from a clone: `pipx install ./claim-lsp`.
]],
    },
  }
end

require('lspconfig').claim_lsp.setup({
  -- init_options = { severity = { ['title-mismatch'] = 'off' } },
  on_attach = function(_, bufnr)
    local o = { buffer = bufnr }
    vim.keymap.set('n', 'gr', vim.lsp.buf.references, o)          -- backlinks
    vim.keymap.set('n', '<leader>rn', vim.lsp.buf.rename, o)      -- rename a note + its links
  end,
})
