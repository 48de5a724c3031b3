import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { htmlPage, sha256 } from "../site/html-page.ts";

/**
 * Swagger UI's files, read from the npm package: locally from node_modules,
 * deployed from the copies the manifest's `files` puts beside the bundle.
 */
export const SWAGGER_UI_FILES = ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui.css"] as const;
const read = (file: string) => readFileSync(createRequire(import.meta.url).resolve(file), "utf8");
const [bundle, css] = SWAGGER_UI_FILES.map(read) as [string, string];

// No validator badge (it would call validator.swagger.io) and no syntax highlighting (inline styles by the hundred).
const start =
  'window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#reference", validatorUrl: null, syntaxHighlight: false, deepLinking: true });';

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>orders API reference</title><style>${css}</style></head>
<body><div id="reference"></div><script>${bundle}</script><script>${start}</script></body></html>`;

/**
 * GET /docs: the OpenAPI document as a reference page. One response, the
 * package's script and stylesheet inline and named in the CSP by hash, so
 * it works offline and loads nothing from elsewhere. Swagger UI (React) sets
 * style attributes, hence 'unsafe-inline' for styles only; scripts run only
 * by hash.
 */
export const handler = htmlPage(
  page,
  [
    "default-src 'none'",
    `script-src ${sha256(bundle)} ${sha256(start)}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ],
  "public, max-age=300",
);
