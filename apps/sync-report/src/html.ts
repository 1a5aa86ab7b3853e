/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** Formats cents as money with thousands separators: `1234567` → `12,345.67`. */
export function formatMoney(cents: number): string {
  return (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Formats a whole number with thousands separators. */
export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { padding: .25rem .75rem; text-align: right; border-bottom: 1px solid #8884; }
  th:first-child, td:first-child { text-align: left; }
  .bar { display: inline-block; height: .8em; background: #4a8; }
  form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
  label { display: flex; flex-direction: column; font-size: .9em; }
  code { background: #8882; padding: 0 .25em; border-radius: 3px; }
`;

/**
 * A complete HTML page.
 *
 * @param title the page title (plain text)
 * @param body the body (HTML, already escaped)
 */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
