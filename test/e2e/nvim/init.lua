-- Headless Neovim (0.7+) as a real LSP client of image-trust, driven by test/e2e/neovim.test.ts.
-- Starts `node dist/server.js --stdio` with Neovim's own client, attaches it to the buffer of the
-- file given on the command line, waits until the diagnostics named in IMAGE_TRUST_WAIT_FOR have
-- arrived (or the timeout passes), writes what Neovim holds as JSON to IMAGE_TRUST_OUT and quits.
-- Every path ends in `qall!`: an error is written to the output instead of leaving nvim running.
local node = os.getenv('IMAGE_TRUST_NODE') or 'node'
local server = assert(os.getenv('IMAGE_TRUST_SERVER'), 'IMAGE_TRUST_SERVER is not set')
local out = assert(os.getenv('IMAGE_TRUST_OUT'), 'IMAGE_TRUST_OUT is not set')
local root = os.getenv('IMAGE_TRUST_ROOT') or vim.fn.getcwd()
local timeout_ms = tonumber(os.getenv('IMAGE_TRUST_TIMEOUT_MS') or '20000')
local wait_for = vim.split(os.getenv('IMAGE_TRUST_WAIT_FOR') or '', ',', { trimempty = true })
-- Optional second step: replace the first line as a user would type, then wait until the
-- diagnostics with code IMAGE_TRUST_GONE_AFTER_EDIT are gone (Neovim sends didChange).
local edit_first_line = os.getenv('IMAGE_TRUST_EDIT_FIRST_LINE')
local gone_after_edit = os.getenv('IMAGE_TRUST_GONE_AFTER_EDIT')

local function write_result(result)
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
end

local function codes_present(diagnostics)
  local seen = {}
  for _, d in ipairs(diagnostics) do
    if d.code ~= nil then seen[tostring(d.code)] = true end
  end
  for _, code in ipairs(wait_for) do
    if not seen[code] then return false end
  end
  return #diagnostics > 0
end

local function simplify(diagnostics)
  local list = {}
  for _, d in ipairs(diagnostics) do
    table.insert(list, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      code = d.code,
      source = d.source,
      message = d.message,
    })
  end
  return list
end

local function has_code(diagnostics, code)
  for _, d in ipairs(diagnostics) do
    if tostring(d.code) == code then return true end
  end
  return false
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  local publishes = 0
  local server_name = vim.NIL
  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local client_id = vim.lsp.start_client({
    name = 'image-trust',
    cmd = { node, server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'e2e' } },
    -- The server reads settings from initializationOptions and asks workspace/configuration for
    -- section imageTrust; Neovim answers that from `settings`. Both say offline.
    init_options = { settings = { offline = true } },
    settings = { imageTrust = { offline = true } },
    on_init = function(_, initialize_result)
      local info = initialize_result and initialize_result.serverInfo
      if info then server_name = info.name end
    end,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        publishes = publishes + 1
        return default_publish(err, result, ctx, config)
      end,
    },
  })
  if not client_id then
    return { error = 'vim.lsp.start_client returned nil' }
  end
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    return { error = 'vim.lsp.buf_attach_client failed' }
  end

  local arrived = vim.wait(timeout_ms, function()
    return codes_present(vim.diagnostic.get(bufnr))
  end, 50)

  local client = vim.lsp.get_client_by_id(client_id)
  local diagnostics = simplify(vim.diagnostic.get(bufnr))
  local after_edit = vim.NIL
  local edit_settled = vim.NIL
  if arrived and edit_first_line then
    local before = publishes
    vim.api.nvim_buf_set_lines(bufnr, 0, 1, false, { edit_first_line })
    edit_settled = vim.wait(timeout_ms, function()
      return publishes > before and not has_code(vim.diagnostic.get(bufnr), gone_after_edit or '')
    end, 50)
    after_edit = simplify(vim.diagnostic.get(bufnr))
  end
  local result = {
    arrived = arrived,
    publishes = publishes,
    filetype = vim.bo[bufnr].filetype,
    server_name = server_name,
    diagnostics = diagnostics,
    edit_settled = edit_settled,
    after_edit = after_edit,
  }
  if client then client.stop(true) end
  return result
end

-- Buffers of the files on the command line are loaded only after this init file has run.
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, result = pcall(run)
    if not ok then result = { error = tostring(result) } end
    pcall(write_result, result)
    vim.cmd('qall!')
  end,
})
