-- Starts the image-trust server with Neovim's own LSP client, attaches it to the current buffer,
-- waits for diagnostics and writes them as JSON to $IMAGE_TRUST_NVIM_OUT, then quits.
local out = os.getenv('IMAGE_TRUST_NVIM_OUT')
local server = os.getenv('IMAGE_TRUST_SERVER')
local function finish(result)
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end
local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'image-trust',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.getcwd(),
    init_options = { settings = { offline = true } },
  })
  if not client_id then error('the LSP client did not start') end
  vim.lsp.buf_attach_client(0, client_id)
  local got = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 100)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(list, { lnum = d.lnum, col = d.col, end_col = d.end_col, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), source = d.source, severity = d.severity, message = d.message })
  end
  finish({ waited = got, diagnostics = list, client = vim.lsp.get_client_by_id(client_id).name })
end)
if not ok then finish({ error = tostring(err) }) end
