// The HTML report's own stylesheet (chartist's comes from dist/html-assets.json). Long scanned
// strings wrap anywhere instead of widening the page; print hides the controls and keeps cards
// whole on a page.
export const PAGE_CSS = `
:root{--crit:#b3001b;--high:#d9480f;--med:#c79100;--low:#1c7ed6;--info:#868e96;--ink:#1d2330;--muted:#5c6475;--line:#dfe3ea;--bg:#f5f7fa;--card:#fff}
*{box-sizing:border-box}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0 auto;max-width:1280px;padding:0 20px 40px}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
h1{font-size:22px;margin:18px 0 2px}h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:0}h4{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:10px 0 4px}
p,li,td,th,dd,dt,code,figcaption,.wrap{overflow-wrap:anywhere;word-break:break-word}
.muted{color:var(--muted)}
header.page{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:baseline;border-bottom:1px solid var(--line);padding-bottom:8px}
nav{position:sticky;top:0;background:var(--bg);padding:6px 0;z-index:2;display:flex;gap:14px;flex-wrap:wrap;border-bottom:1px solid var(--line)}
nav a{color:var(--low);text-decoration:none}
.gate{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0;border:1px solid}
.gate.pass{background:#e6f4ea;border-color:#9bd3ae;color:#1e5631}.gate.fail{background:#fdecea;border-color:#f1a9a0;color:#8a1c12}.gate.incomplete{background:#fff4e5;border-color:#f5c27a;color:#7a4a00}.gate.off{background:#eef1f5;border-color:var(--line)}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
.tile{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--info);border-radius:6px;padding:8px 14px;min-width:110px}
.tile b{display:block;font-size:22px}
.sev-critical{--sev:var(--crit)}.sev-high{--sev:var(--high)}.sev-medium{--sev:var(--med)}.sev-low{--sev:var(--low)}.sev-info{--sev:var(--info)}
.tile[class*=sev-]{border-left-color:var(--sev)}
.badge{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:10px;color:#fff;background:var(--sev,var(--info));font-size:12px;font-weight:600;text-transform:uppercase}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.n,th.n{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-top:5px solid var(--sev,var(--info));border-radius:6px;padding:12px 14px;min-width:0}
.card>header{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center}
.card ul,.card ol{margin:4px 0;padding-left:20px}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
.card dt{color:var(--muted)}.card dd{margin:0;min-width:0}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 8px;margin:2px 4px 2px 0;font-size:12px;background:#f8f9fb;max-width:100%;overflow-wrap:anywhere}
.chip.policy{border-color:var(--crit);color:var(--crit)}
.kind{font-size:11px;padding:0 5px;border-radius:4px;background:#eef1f5;color:var(--muted);margin-right:4px}
.fix{background:#f8f9fb;border-radius:4px;padding:6px 10px;margin-top:8px}
.matrix td.hit{background:#ffe3d6;text-align:center;font-weight:600}.matrix td.hit.many{background:#ffb899}.matrix td.own{background:#e3ecff;text-align:center}
.matrix th.rot{font-size:11px;max-width:120px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}
figure{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:0;padding:10px 12px;min-width:0}
figcaption{font-weight:600}figcaption small{display:block;font-weight:400;color:var(--muted)}
.ct-target{min-height:40px}
.chart-values{font-size:12px;color:var(--muted)}
.ct-label{font-size:11px;color:#333;fill:#333}
.ct-series-a .ct-bar{stroke:var(--high);stroke-width:18px}
.ct-chart-pie .ct-label{fill:#fff;font-weight:600}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
.controls input{flex:1 1 260px;padding:5px 8px;font:inherit}
.controls select,.controls button{font:inherit;padding:4px 8px}
#findings-table{table-layout:fixed}
#findings-table th[data-sort]{cursor:pointer;user-select:none}
#findings-table th[aria-sort=ascending]::after{content:" ▲"}#findings-table th[aria-sort=descending]::after{content:" ▼"}
#findings-table td{font-size:12.5px}
#findings-table tr>td:first-child{border-left:4px solid var(--sev,var(--info))}
.col-severity{width:8%}.col-rule{width:11%}.col-place{width:19%}.col-source{width:6%}.col-provenance{width:16%}.col-secret{width:10%}.col-token{width:16%}.col-time{width:9%}.col-id{width:8%}
.scroll{overflow-x:auto}
.notice{background:#fff4e5;border:1px solid #f5c27a;border-radius:6px;padding:8px 12px;margin:10px 0}
.js .nojs{display:none}
@media print{
  html{background:#fff;font-size:11px}body{max-width:none;padding:0}
  nav,.controls,.pager{display:none}
  .card,figure,.gate,.tile{break-inside:avoid}
  .cards{grid-template-columns:1fr 1fr}
  h2{break-after:avoid}
  a{color:inherit;text-decoration:none}
  thead{display:table-header-group}
  tr{break-inside:avoid}
  .scroll{overflow:visible}
  .matrix{font-size:9px}.matrix th.rot{max-width:none}
  #findings-table .col-id,#findings-table td[data-col=id]{display:none}
}
@page{margin:12mm}
`;
