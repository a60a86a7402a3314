-- :ClaimLspGraph in Neovim (0.7.2 and current) with the module of editors/nvim; run by
-- test_graph_command.py as  nvim --headless --clean -n -S graph_nvim.lua  (CLAIM_EDITOR_SPEC=spec.json).
-- The browser is a stand-in `xdg-open` on PATH that writes down what it was asked to open
-- (vim.ui.open runs it on 0.10+, the module's own fallback before). Writes JSON to spec.result.
local spec = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('CLAIM_EDITOR_SPEC')), '\n'))
local T = spec.timeout_ms
local result = { editor = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor), errors = {} }
local function done()
  local f = assert(io.open(spec.result, 'w'))
  f:write(vim.fn.json_encode(result)); f:close()
  vim.cmd('qall!')
end
local ok, err = xpcall(function()
  local repo = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
  vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
  local claim_lsp = require('claim_lsp')
  claim_lsp.setup({ cmd = spec.server_cmd, init_options = spec.init_options })
  vim.cmd('edit ' .. vim.fn.fnameescape(spec.file))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.wait(T, function()
    local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
    for _, c in pairs(clients) do
      if c.name == 'claim_lsp' and c.initialized then return true end
    end
  end, 20), 'claim_lsp did not attach')
  vim.cmd('ClaimLspGraph')
  local opened = os.getenv('CLAIM_OPENED')
  assert(vim.wait(T, function() return vim.fn.filereadable(opened) == 1 end, 20), 'nothing was opened')
  result.opened = vim.fn.readfile(opened)
end, debug.traceback)
if not ok then table.insert(result.errors, tostring(err)) end
done()
