-- Drives Neovim (0.7.2 and later) against claim-lsp; run by test_nvim.py as
--   nvim --headless --clean -n -S nvim_driver.lua        (CLAIM_EDITOR_SPEC=spec.json)
-- Opens the note, attaches the server the way editors/nvim/ does on 0.7 (start_client +
-- buf_attach_client), then records what a user would see: diagnostics, completion after typing
-- "[[" + a prefix (and the line after accepting the first item), hover text, and the file that
-- go-to-definition jumps to. Writes them as JSON to spec.result; Python checks them.
local spec = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('CLAIM_EDITOR_SPEC')), '\n'))
local T = spec.timeout_ms
local result = {
  editor = 'nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch)
    .. ' api=' .. (os.getenv('CLAIM_NVIM_API') or 'auto'),
  errors = {},
}

local function log(...) io.stdout:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n') end
local function write_result()
  local f = assert(io.open(spec.result, 'w'))
  f:write(vim.fn.json_encode(result)); f:close()
end
local function step(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  log(name, ok and 'ok' or ('ERROR ' .. tostring(err)))
  if not ok then table.insert(result.errors, name .. ': ' .. tostring(err)) end
end
local function hover_text(contents)
  -- MarkupContent | MarkedString | MarkedString[]
  if type(contents) == 'string' then return contents end
  if contents.value then return contents.value end
  local parts = {}
  for _, c in ipairs(contents) do table.insert(parts, type(c) == 'string' and c or c.value) end
  return table.concat(parts, '\n')
end

-- the shipped configuration: editors/nvim/lua/claim_lsp (on 0.7: start_client + buf_attach_client)
local repo = vim.fn.fnamemodify(os.getenv('CLAIM_EDITOR_DRIVER') or debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
local claim_lsp = require('claim_lsp')
claim_lsp.setup({
  cmd = spec.server_cmd,
  init_options = spec.init_options,
  api = os.getenv('CLAIM_NVIM_API') or 'auto',
  on_attach = function(client) log('attached', client.name, client.id) end,
})

-- An "opens" spec (DetectSpec): which notes get the server. Each note is opened with :edit in
-- turn, in one session; for each the driver records the claim_lsp client attached (id, root),
-- the diagnostics once the expected broken link is in, and the index size. Python judges.
if spec.opens then
  local function claim_client(buf)
    local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
    for _, c in pairs(clients) do
      if c.name == 'claim_lsp' then return c end
    end
  end
  local function claim_clients()
    local n = 0
    for _, c in pairs(vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()) do
      if c.name == 'claim_lsp' then n = n + 1 end
    end
    return n
  end
  result.opens = {}
  for i, open in ipairs(spec.opens) do
    step('open ' .. i, function()
      vim.cmd('edit ' .. vim.fn.fnameescape(open.file))
      local buf = vim.api.nvim_get_current_buf()
      local seen = { file = vim.api.nvim_buf_get_name(buf), filetype = vim.bo[buf].filetype }
      table.insert(result.opens, seen)
      -- a note that should not get the server gets a second to show it would not
      vim.wait(open.attach and T or 1000, function()
        local c = claim_client(buf)
        return c and c.initialized
      end, 20)
      local c = claim_client(buf)
      if c then
        seen.client_id, seen.root = c.id, c.root_dir or c.config.root_dir
        if type(open.broken_line) == 'number' then
          vim.wait(T, function()
            for _, d in ipairs(vim.diagnostic.get(buf)) do
              if d.lnum == open.broken_line then return true end
            end
          end, 20)
        end
        seen.diagnostics = vim.tbl_map(function(d) return { line = d.lnum, message = d.message } end,
          vim.diagnostic.get(buf))
        local s
        vim.wait(T, function()
          s = claim_lsp.status(buf)
          return s and not s.indexing
        end, 100)
        seen.notes = s and s.notes
      end
      seen.clients = claim_clients()
    end)
  end
  write_result()
  for _, c in pairs(vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()) do
    vim.lsp.stop_client(c.id)
  end
  vim.wait(2000, function() return claim_clients() == 0 end, 20)
  vim.cmd(#result.errors == 0 and 'qall!' or 'cquit 1')
  return
end

vim.cmd('edit ' .. vim.fn.fnameescape(spec.file)) -- FileType markdown -> the server starts
local bufnr = vim.api.nvim_get_current_buf()
local client_id

local function attached_client()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(clients) do
    if c.name == 'claim_lsp' then return c.id end
  end
end
local function all_clients()
  return vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
end

step('attach', function()
  assert(vim.bo[bufnr].filetype == 'markdown', 'filetype is ' .. vim.bo[bufnr].filetype)
  assert(vim.wait(T, function()
    client_id = attached_client()
    local c = client_id and vim.lsp.get_client_by_id(client_id)
    return c and c.initialized
  end, 20), 'claim_lsp did not attach and initialize')
  local gd = vim.fn.maparg('gd', 'n', false, true)
  assert(gd and gd.buffer == 1, 'buffer-local gd keymap missing')
end)

step('diagnostics', function()
  local function broken()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == spec.broken_line then return true end
    end
  end
  vim.wait(T, broken, 20)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      line = d.lnum, character = d.col, end_character = d.end_col, message = d.message,
      severity = d.severity, code = d.code or lsp.code, source = d.source,
    })
  end
  assert(broken(), 'no diagnostic at line ' .. spec.broken_line)
end)

step('completion', function()
  -- type " [[" + prefix at the end of the line, as an edit of the buffer (sends didChange)
  local row = spec.completion_line
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  local typed = line .. ' [[' .. spec.completion_prefix
  vim.api.nvim_buf_set_lines(bufnr, row, row + 1, true, { typed })
  -- the cursor as in insert mode, after the last typed letter (normal mode cannot go there)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = row, character = #typed },
    context = { triggerKind = 1 },
  }
  local res, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, T)
  assert(res and res[client_id], 'no completion response: ' .. tostring(err))
  assert(not res[client_id].error, vim.inspect(res[client_id].error))
  local r = res[client_id].result or {}
  local items = r.items or r
  -- the order a client shows: by sortText, else label (stable for equal keys)
  for i, it in ipairs(items) do it._i = i end
  table.sort(items, function(a, b)
    local ka, kb = a.sortText or a.label, b.sortText or b.label
    if ka == kb then return a._i < b._i end
    return ka < kb
  end)
  result.completion = vim.tbl_map(function(i) return i.label end, items)
  -- accept the first item the way completion plugins do: apply its textEdit
  local first = items[1]
  assert(first, 'no completion items')
  if first.textEdit then
    local edit = first.textEdit
    if edit.range == nil then edit = { range = edit.replace, newText = edit.newText } end
    vim.lsp.util.apply_text_edits({ edit }, bufnr, 'utf-16')
  else
    local l = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
    vim.api.nvim_buf_set_lines(bufnr, row, row + 1, true, { l .. (first.insertText or first.label) })
  end
  result.completion_line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
end)

step('hover', function()
  vim.api.nvim_win_set_cursor(0, { spec.hover_line + 1, spec.hover_character })
  local res, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', vim.lsp.util.make_position_params(0, 'utf-16'), T)
  assert(res and res[client_id], 'no hover response: ' .. tostring(err))
  local h = res[client_id].result
  assert(h and h.contents, 'empty hover: ' .. vim.inspect(res[client_id]))
  result.hover = hover_text(h.contents)
end)

step('definition', function()
  -- the keymap set by the shipped config (gd -> vim.lsp.buf.definition, async jump)
  vim.api.nvim_win_set_cursor(0, { spec.hover_line + 1, spec.hover_character })
  vim.api.nvim_feedkeys('gd', 'x', false)
  vim.wait(T, function() return vim.api.nvim_buf_get_name(0) ~= vim.api.nvim_buf_get_name(bufnr) end, 20)
  result.definition_file = vim.api.nvim_buf_get_name(0)
  result.definition_line = vim.api.nvim_win_get_cursor(0)[1] - 1
end)

step('backlinks', function()
  -- in the note go-to-definition opened: the backlinks key, away from any link, lists the
  -- notes that link here (quickfix list, as vim.lsp.buf.references does)
  assert(vim.api.nvim_buf_get_name(0) == spec.definition_file, 'not in the linked note')
  vim.fn.setqflist({})
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.api.nvim_feedkeys(claim_lsp.defaults.keys.backlinks, 'x', false)
  vim.wait(T, function() return #vim.fn.getqflist() > 0 end, 20)
  result.backlinks = vim.tbl_map(function(item)
    return { file = vim.api.nvim_buf_get_name(item.bufnr), line = item.lnum - 1, text = item.text }
  end, vim.fn.getqflist())
  assert(#result.backlinks > 0, 'no backlinks in the quickfix list')
end)

step('status', function()
  -- what :ClaimLspStatus shows, once the first indexing is over
  local s
  vim.wait(T, function()
    s = claim_lsp.status(bufnr)
    return s and not s.indexing
  end, 100)
  assert(s, 'no answer to claim-lsp/status')
  result.status = s
end)

write_result()
for _, c in pairs(all_clients()) do vim.lsp.stop_client(c.id) end
vim.wait(2000, function() return #all_clients() == 0 end, 20)
if #result.errors == 0 then vim.cmd('qall!') else vim.cmd('cquit 1') end
