-- claim-lsp for Neovim: one setup() for every version.
--   0.11+      vim.lsp.config('claim_lsp', ...) + vim.lsp.enable('claim_lsp')
--   0.8-0.10   vim.lsp.start() from a FileType autocmd
--   0.7        vim.lsp.start_client() + buf_attach_client() (what tests/editors/ runs)
--
--   require('claim_lsp').setup({
--     cmd = { 'claim-lsp' },                         -- or a virtualenv's full path
--     init_options = { severity = { ['title-mismatch'] = 'off' } },  -- like .claim-lsp.toml
--   })
local M = {}

M.defaults = {
  name = 'claim_lsp',
  cmd = { 'claim-lsp' },
  filetypes = { 'markdown' },
  -- the vault is the nearest folder holding one of these (as `claim-lsp check` finds it), else
  -- the note's folder (the server warns when the note's links point above it)
  root_markers = { '.claim-lsp.toml', '.obsidian', '.git' },
  -- start only in claim vaults: a .claim-lsp.toml above the note, a `type:` frontmatter field in
  -- the note, a claim-lsp client already running for its root, or (a root found by a marker) a
  -- `type:` field in one of the first Markdown files under the root (see M.samples_claims)
  only_in_vaults = true,
  init_options = nil,
  keymaps = true, -- buffer-local maps of `keys`, set when the server attaches
  -- 0.11+ already maps grn (rename), grr (references), gra (code action), [d/]d: keep them and
  -- add only grb for backlinks; older versions get the classic maps. Set a key to false to skip it.
  keys = vim.fn.has('nvim-0.11') == 1 and {
    definition = 'gd', hover = 'K', backlinks = 'grb',
  } or {
    definition = 'gd', hover = 'K', backlinks = 'gr', rename = '<leader>rn', code_action = '<leader>ca',
    prev_problem = '[d', next_problem = ']d',
  },
  -- (also `graph`: no key by default; e.g. keys = { graph = '<leader>cg' })
  on_attach = nil, -- function(client, bufnr) called after the keymaps
  graph_depth = 2, -- :ClaimLspGraph: how many edges away from the note the page reaches
  -- which Neovim API starts the server: 'auto' picks by version; 'config' (0.11+ vim.lsp.config),
  -- 'start' (0.8+ vim.lsp.start) or 'start_client' (0.7) force one
  api = 'auto',
  -- 0.11+: vim.lsp.completion.enable() on attach, so that accepting an item applies the server's
  -- edit (`[[Whole title]]`; plain omnifunc would insert only the first word of a title).
  -- autotrigger: open the menu by itself on `[`; leave false when nvim-cmp/blink.cmp do it.
  builtin_completion = true,
  autotrigger = false,
}

local uv = vim.uv or vim.loop
local has = function(feature) return vim.fn.has(feature) == 1 end

local function exists(path) return uv.fs_stat(path) ~= nil end

local function dirname(path) return vim.fn.fnamemodify(path, ':h') end

--- The vault folder of a note: nearest ancestor holding a root marker, else the note's folder.
function M.find_root(fname, markers)
  local dir = dirname(vim.fn.fnamemodify(fname, ':p'))
  local start = dir
  while true do
    for _, marker in ipairs(markers) do
      if exists(dir .. '/' .. marker) then return dir end
    end
    local parent = dirname(dir)
    if parent == dir then return start end
    dir = parent
  end
end

-- The vault sample: how many Markdown files, how much of each, and how many folders at most
-- are looked at before deciding that a root holds no claim notes. Bounded, so that a Markdown
-- file in a large repository does not walk the whole tree.
M.sample = { files = 40, bytes = 4096, folders = 200 }
M._sampled = {} -- root -> whether its sample held a claim note (for the session)

--- Whether lines (a note's first lines) open with YAML frontmatter holding a `type:` field.
local function frontmatter_has_type(lines)
  if not lines[1] or not lines[1]:gsub('^\239\187\191', ''):match('^%-%-%-%s*$') then return false end
  for i = 2, #lines do
    if lines[i]:match('^%-%-%-%s*$') or lines[i]:match('^%.%.%.%s*$') then return false end
    if lines[i]:match('^type%s*:') then return true end
  end
  return false
end

local function file_has_type(path)
  local fd = uv.fs_open(path, 'r', 438)
  if not fd then return false end
  local head = uv.fs_read(fd, M.sample.bytes, 0)
  uv.fs_close(fd)
  return head ~= nil and frontmatter_has_type(vim.split(head, '\r?\n'))
end

--- Whether the Markdown files under root hold a claim note (one with a `type:` frontmatter
--- field): breadth-first from root, skipping hidden folders, node_modules and __pycache__ (as
--- the server's walk does), reading the head of at most M.sample.files files. Cached per root.
function M.samples_claims(root)
  if M._sampled[root] ~= nil then return M._sampled[root] end
  local queue, head, files, found = { root }, 1, 0, false
  while head <= #queue and head <= M.sample.folders and files < M.sample.files and not found do
    local dir = queue[head]
    head = head + 1
    local notes, subdirs = {}, {}
    local handle = uv.fs_scandir(dir)
    while handle do
      local name, kind = uv.fs_scandir_next(handle)
      if not name then break end
      if name:sub(1, 1) ~= '.' and name ~= 'node_modules' and name ~= '__pycache__' then
        local path = dir .. '/' .. name
        if kind == nil then -- (some file systems do not tell)
          local stat = uv.fs_lstat(path)
          kind = stat and stat.type
        end
        if kind == 'link' then -- a linked note counts; a linked folder is not walked (it may loop back)
          local stat = uv.fs_stat(path)
          kind = stat and stat.type == 'file' and 'file' or nil
        end
        if kind == 'directory' then
          table.insert(subdirs, path)
        elseif kind == 'file' and name:lower():match('%.md$') then
          table.insert(notes, path)
        end
      end
    end
    table.sort(notes)
    table.sort(subdirs)
    for _, path in ipairs(notes) do
      if files >= M.sample.files then break end
      files = files + 1
      if file_has_type(path) then
        found = true
        break
      end
    end
    vim.list_extend(queue, subdirs)
  end
  M._sampled[root] = found
  return found
end

--- Whether a claim-lsp client runs for this root.
local function client_runs(root)
  local id = M._clients and M._clients[root]
  if id and vim.lsp.get_client_by_id(id) then return true end
  local name = M._name or M.defaults.name
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ name = name }) or vim.lsp.get_active_clients()
  for _, c in pairs(clients) do
    if c.name == name and (c.root_dir or c.config.root_dir) == root then return true end
  end
  return false
end

--- Whether a buffer is a note of a claim vault: a .claim-lsp.toml at the root, a `type:` field
--- in the note's frontmatter, a claim-lsp client already running for the root, or, for a root
--- that holds one of the root markers (not the note's own folder taken for want of one), a
--- claim note among the first Markdown files under it (M.samples_claims). A map or index note
--- without frontmatter thus gets the server too, whichever note of the vault is opened first.
function M.is_vault_note(bufnr, root)
  if exists(root .. '/.claim-lsp.toml') then return true end
  if frontmatter_has_type(vim.api.nvim_buf_get_lines(bufnr, 0, 60, false)) then return true end
  if client_runs(root) then return true end
  for _, marker in ipairs(M._root_markers or M.defaults.root_markers) do
    if exists(root .. '/' .. marker) then return M.samples_claims(root) end
  end
  return false
end

--- Backlinks of the note (cursor outside a link: the H1) or of the link under the cursor.
function M.backlinks()
  local line = vim.api.nvim_get_current_line()
  local col = vim.api.nvim_win_get_cursor(0)[2] + 1
  local before = line:sub(1, col):find('%[%[[^%]]*$')
  if not before then
    for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
      if l:match('^#%s+%S') then
        local save = vim.api.nvim_win_get_cursor(0)
        vim.api.nvim_win_set_cursor(0, { i, 2 })
        vim.lsp.buf.references({ includeDeclaration = false })
        vim.api.nvim_win_set_cursor(0, save)
        return
      end
    end
  end
  vim.lsp.buf.references({ includeDeclaration = false })
end

local SEVERITY = { 'E', 'W', 'I', 'N' } -- LSP DiagnosticSeverity -> quickfix type

--- Every problem of the vault in the quickfix list (`:ClaimLspCheckVault`): the server's
--- workspace/diagnostic, whatever `diagnostics.scope` says (that is what it sends unasked).
function M.check_vault(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = M._name or M.defaults.name
  vim.lsp.buf_request(bufnr, 'workspace/diagnostic', { previousResultIds = {} }, function(err, result, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if not client or client.name ~= name then return end
    if err then
      vim.notify('claim-lsp: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    local items, notes = {}, 0
    for _, report in ipairs(result and result.items or {}) do
      if report.items and #report.items > 0 then
        notes = notes + 1
        local fname = vim.uri_to_fname(report.uri)
        for _, d in ipairs(report.items) do
          table.insert(items, {
            filename = fname,
            lnum = d.range.start.line + 1,
            col = d.range.start.character + 1, -- (UTF-16 units: off on a line with wide characters)
            type = SEVERITY[d.severity or 1] or 'E',
            text = (d.code and ('[' .. d.code .. '] ') or '') .. d.message,
          })
        end
      end
    end
    table.sort(items, function(a, b)
      if a.filename ~= b.filename then return a.filename < b.filename end
      return a.lnum < b.lnum
    end)
    vim.fn.setqflist({}, ' ', { title = 'claim-lsp: the whole vault', items = items })
    vim.notify(string.format('claim-lsp: %d problems in %d notes', #items, notes))
    if #items > 0 then vim.cmd('copen') end
  end)
end

--- Index size from the server's `claim-lsp/status` request, e.g. for a statusline.
function M.status(bufnr)
  bufnr = bufnr or 0
  -- empty params object, not none: pygls servers fail on a request without "params"
  local res = vim.lsp.buf_request_sync(bufnr, 'claim-lsp/status', vim.empty_dict(), 2000) or {}
  for _, r in pairs(res) do
    if r.result then return r.result end
  end
end

-- ---- the claim graph in the browser --------------------------------------------------------

M.graph_depth = M.defaults.graph_depth -- (setup's graph_depth; :ClaimLspGraph 3 asks for 3)

local function claim_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(clients) do
    if c.name == (M._name or M.defaults.name) then return c end
  end
end

--- Open a file in the browser: vim.ui.open on 0.10+, else the system's opener.
function M.open_in_browser(path)
  if vim.ui.open then
    local _, err = vim.ui.open(path)
    if err then vim.notify('claim-lsp: could not open ' .. path .. ': ' .. err, vim.log.levels.ERROR) end
    return
  end
  local cmd = vim.fn.has('mac') == 1 and { 'open', path }
    or vim.fn.has('win32') == 1 and { 'cmd.exe', '/c', 'start', '', path }
    or { 'xdg-open', path }
  if vim.fn.jobstart(cmd, { detach = true }) <= 0 then
    vim.notify('claim-lsp: could not run ' .. cmd[1] .. ' to open ' .. path, vim.log.levels.ERROR)
  end
end

--- The claim graph around the note in the buffer (the server's `claim-lsp/graph`: the note's
--- neighbourhood, `depth` edges away, default M.graph_depth), written as a page to a temporary
--- file and opened in the browser. `done(path)`, if given, is called with the file's path.
function M.graph(depth, bufnr, done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = claim_client(bufnr)
  if not client then
    vim.notify('claim-lsp: the server is not attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = { uri = vim.uri_from_bufnr(bufnr), depth = tonumber(depth) or M.graph_depth, format = 'html' }
  local function handler(err, result)
    if err then
      vim.notify('claim-lsp: graph: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) ~= 'table' or type(result.html) ~= 'string' then
      vim.notify('claim-lsp: no graph here (is this a note of the vault?)', vim.log.levels.WARN)
    else
      -- in the system's temporary folder, not Neovim's own (removed when Neovim exits, maybe
      -- before the browser has read the page)
      local path = string.format('%s/claim-graph-%d-%d.html', uv.os_tmpdir(), vim.fn.getpid(), uv.hrtime())
      local f = assert(io.open(path, 'wb'))
      f:write(result.html)
      f:close()
      M.open_in_browser(path)
      if done then done(path) end
    end
  end
  if has('nvim-0.11') then
    client:request('claim-lsp/graph', params, handler, bufnr)
  else
    client.request('claim-lsp/graph', params, handler, bufnr)
  end
end

--- 'omnifunc' for Neovim < 0.11 (<C-x><C-o>): inside `[[`, the server's items in the server's
--- order, inserting its whole text. vim.lsp.omnifunc there keeps only items whose inserted text
--- starts with the typed letters, case and all: `[[work` would find nothing.
local pending -- the items fetched by the findstart call
function M.omnifunc(findstart, base)
  if findstart == 1 then
    pending = nil
    local row, col = unpack(vim.api.nvim_win_get_cursor(0))
    local line = vim.api.nvim_get_current_line()
    local open = line:sub(1, col):find('%[%[[^%[%]]*$')
    if not open then return -3 end -- not in a link: cancel silently
    local params = {
      textDocument = vim.lsp.util.make_text_document_params(),
      position = { line = row - 1, character = select(2, vim.str_utfindex(line, col)) }, -- UTF-16
      context = { triggerKind = 1 },
    }
    local responses = vim.lsp.buf_request_sync(0, 'textDocument/completion', params, 2000) or {}
    local closing = line:sub(col + 1, col + 2) == ']]'
    pending = {}
    for _, response in pairs(responses) do
      local result = response.result or {}
      local items = result.items or result
      table.sort(items, function(a, b) return (a.sortText or a.label) < (b.sortText or b.label) end)
      for _, item in ipairs(items) do
        local word = item.textEdit and item.textEdit.newText or item.insertText or item.label
        if closing then word = word:gsub('%]%]$', '') end -- the "]]" already there stays
        table.insert(pending, {
          word = word, abbr = item.label, menu = item.detail, icase = 1, dup = 1,
          info = type(item.documentation) == 'table' and item.documentation.value or item.documentation,
        })
      end
    end
    return open + 1 -- 0-based column just after "[["
  end
  local items = pending or {}
  pending = nil
  return items
end

local function set_keymaps(bufnr, keys)
  local actions = {
    graph = { function() M.graph() end, 'the claim graph around the note, in the browser' },
    definition = { vim.lsp.buf.definition, 'go to the linked note' },
    hover = { vim.lsp.buf.hover, 'preview the linked note' },
    backlinks = { M.backlinks, 'backlinks' },
    rename = { vim.lsp.buf.rename, 'rename the note and its links' },
    code_action = { vim.lsp.buf.code_action, 'fixes' },
    prev_problem = { vim.diagnostic.goto_prev, 'previous problem' },
    next_problem = { vim.diagnostic.goto_next, 'next problem' },
  }
  for name, lhs in pairs(keys) do
    local action = actions[name]
    if lhs and action then
      vim.keymap.set('n', lhs, action[1], { buffer = bufnr, silent = true, desc = 'claim-lsp: ' .. action[2] })
    end
  end
end

local function attach_hook(opts)
  return function(client, bufnr)
    -- <C-x><C-o> completes links (the markdown ftplugin sets htmlcomplete, which would win)
    if opts.builtin_completion and vim.lsp.completion and vim.lsp.completion.enable then
      vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
      vim.lsp.completion.enable(true, client.id, bufnr, {
        autotrigger = opts.autotrigger,
        -- Neovim inserts a plain-text item only up to its first space ("[[Working"); titles have
        -- spaces, so insert the server's whole text ("[[Working memory holds about four chunks]]")
        convert = function(item)
          local edit = item.textEdit
          if edit and edit.newText and item.insertTextFormat ~= 2 then return { word = edit.newText } end
          return {}
        end,
      })
    else
      vim.bo[bufnr].omnifunc = "v:lua.require'claim_lsp'.omnifunc"
    end
    if opts.keymaps and vim.keymap then set_keymaps(bufnr, opts.keys) end
    if opts.on_attach then opts.on_attach(client, bufnr) end
  end
end

function M.setup(user)
  local opts = vim.tbl_deep_extend('force', {}, M.defaults, user or {})
  M._name = opts.name
  M._root_markers = opts.root_markers
  M.graph_depth = opts.graph_depth
  local on_attach = attach_hook(opts)

  local api = opts.api
  if api == 'auto' then
    api = (vim.lsp.config and vim.lsp.enable) and 'config' or (vim.lsp.start and 'start') or 'start_client'
  end

  if api == 'config' then -- 0.11+
    vim.lsp.config(opts.name, {
      cmd = opts.cmd,
      filetypes = opts.filetypes,
      init_options = opts.init_options,
      on_attach = on_attach,
      root_dir = function(bufnr, on_dir)
        local root = M.find_root(vim.api.nvim_buf_get_name(bufnr), opts.root_markers)
        if not opts.only_in_vaults or M.is_vault_note(bufnr, root) then on_dir(root) end
      end,
    })
    vim.lsp.enable(opts.name)
    return
  end

  local function start(bufnr)
    local fname = vim.api.nvim_buf_get_name(bufnr)
    if fname == '' or vim.bo[bufnr].buftype ~= '' then return end
    local root = M.find_root(fname, opts.root_markers)
    if opts.only_in_vaults and not M.is_vault_note(bufnr, root) then return end
    local config = {
      name = opts.name, cmd = opts.cmd, root_dir = root, init_options = opts.init_options,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
      on_attach = on_attach,
    }
    if api == 'start' then -- 0.8-0.10: reuses the client of the same name and root
      vim.lsp.start(config, { bufnr = bufnr })
      return
    end
    -- 0.7: one client per root, attached by hand
    M._clients = M._clients or {}
    local id = M._clients[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client(config)
      M._clients[root] = id
    end
    if id then vim.lsp.buf_attach_client(bufnr, id) end
  end

  local group = vim.api.nvim_create_augroup('claim_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(args) start(args.buf) end,
  })
  -- buffers opened before setup()
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

if has('nvim-0.7') then
  vim.api.nvim_create_user_command('ClaimLspStatus', function()
    local s = M.status(0)
    if not s then
      vim.notify('claim-lsp: no status (is the server attached?)', vim.log.levels.WARN)
      return
    end
    vim.notify(string.format('claim-lsp %s: %d notes%s', s.version or '', s.notes or 0,
      s.indexing and ' (indexing)' or ''))
  end, { desc = 'claim-lsp: index size' })
  vim.api.nvim_create_user_command('ClaimLspCheckVault', function() M.check_vault(0) end,
    { desc = 'claim-lsp: every problem of the vault in the quickfix list' })
  vim.api.nvim_create_user_command('ClaimLspGraph', function(args)
    M.graph(args.args ~= '' and args.args or nil)
  end, { nargs = '?', desc = 'claim-lsp: the claim graph around this note, in the browser (optional: depth)' })
end

return M
