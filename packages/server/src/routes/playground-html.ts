// A self-contained page to try requests against the live policy; it stores nothing (POST /playground/eval).
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Faramesh policy playground</title>
<style>body{font:14px system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}
textarea,input{width:100%;font:13px ui-monospace,monospace;box-sizing:border-box}textarea{height:14rem}
pre{background:#f4f4f5;padding:1rem;overflow:auto}button{margin-top:.5rem;padding:.4rem 1rem}</style></head>
<body><h1>Policy playground</h1>
<p>Try a request against the gateway's current policy. Nothing is stored.</p>
<label>Bearer token (if auth is on)<input id="token" type="password" autocomplete="off"></label>
<label>Request<textarea id="req">{
  "agent_id": "playground",
  "tool": "shell",
  "operation": "run",
  "params": {"cmd": "ls -la"},
  "context": {}
}</textarea></label>
<button id="go">Evaluate</button>
<pre id="out">…</pre>
<script>
document.getElementById('go').onclick = async () => {
  const out = document.getElementById('out')
  const token = document.getElementById('token').value
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = 'Bearer ' + token
  try {
    const r = await fetch('/playground/eval', { method: 'POST', headers, body: document.getElementById('req').value })
    out.textContent = r.status + '\\n' + JSON.stringify(await r.json(), null, 2)
  } catch (e) { out.textContent = String(e) }
}
</script></body></html>
`
