import { htmlPage, sha256 } from "../site/html-page.ts";

const styles = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}";

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>orders</title><style>${styles}</style></head>
<body><h1>orders</h1>
<p>Submit orders for asynchronous processing and read back what became of them.</p>
<ul>
<li><a href="docs">API reference</a>: the OpenAPI document as a page</li>
<li><a href="openapi.json">openapi.json</a>: the OpenAPI 3.1 document</li>
<li><a href="console">Console</a>: the operations console (an operator's token)</li>
<li><a href="health">Health</a>: each dependency up or down</li>
</ul></body></html>`;

/** GET /: a small page linking the console, the API reference, the health check and the OpenAPI document. */
export const handler = htmlPage(page, [
  "default-src 'none'",
  `style-src ${sha256(styles)}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
]);
