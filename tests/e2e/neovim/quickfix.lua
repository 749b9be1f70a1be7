-- Headless Neovim (0.7+) with its built-in LSP client: parlint's diagnostics arrive, a
-- quick-fix is requested, resolved and applied, and the buffer matches the expected text.
local python = os.getenv("PARLINT_PYTHON")
local expected_path = os.getenv("PARLINT_EXPECTED")
local result_path = os.getenv("PARLINT_RESULT")
local wanted_code = os.getenv("PARLINT_CODE")

local function finish(message, ok)
  local out = io.open(result_path, "w")
  out:write(message)
  out:close()
  if ok then
    vim.cmd("qall!")
  else
    vim.cmd("cquit! 1")
  end
end

local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  cmd = { python, "-m", "parlint", "server" },
  root_dir = vim.fn.getcwd(),
  name = "parlint",
})
if not client_id then
  finish("could not start the server", false)
end
vim.lsp.buf_attach_client(buf, client_id)

local got = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
if not got then
  finish("no diagnostics arrived", false)
end

local target = nil
local codes = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  local code = lsp.code or d.code
  table.insert(codes, tostring(code) .. "@" .. d.lnum .. ":" .. d.col .. "/" .. tostring(d.source))
  if code == wanted_code then
    target = {
      range = {
        start = { line = d.lnum, character = d.col },
        ["end"] = { line = d.end_lnum, character = d.end_col },
      },
      message = d.message,
      code = code,
      severity = d.severity,
      source = d.source,
    }
  end
end
if target == nil then
  finish("no " .. wanted_code .. " among " .. table.concat(codes, ", "), false)
end

local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = target.range,
  context = { diagnostics = { target } },
}
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000)
local action = nil
for _, response in pairs(responses or {}) do
  for _, candidate in ipairs(response.result or {}) do
    if action == nil and string.find(candidate.title, "parlint (" .. wanted_code .. ")", 1, true)
      and candidate.kind == "quickfix" and not string.find(candidate.title, "Disable", 1, true) then
      action = candidate
    end
  end
end
if action == nil then
  finish("no quick-fix offered for " .. wanted_code, false)
end
if action.edit == nil then
  local client = vim.lsp.get_client_by_id(client_id)
  local resolved = client.request_sync("codeAction/resolve", action, 20000, buf)
  if resolved == nil or resolved.result == nil or resolved.result.edit == nil then
    finish("codeAction/resolve returned no edit", false)
  end
  action = resolved.result
end
vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")

local expected = {}
for line in io.lines(expected_path) do
  table.insert(expected, line)
end
local actual = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
if table.concat(actual, "\n") ~= table.concat(expected, "\n") then
  finish("buffer after the fix:\n" .. table.concat(actual, "\n"), false)
end
finish("OK " .. action.title, true)
