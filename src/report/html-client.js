// The HTML report's browser code (plain JavaScript: tsc compiles src/ for Node only). esbuild
// bundles it with chartist into one minified script at build time (scripts/bundle.mjs →
// dist/html-assets.json), which src/report/html.ts inlines into every report under a CSP hash.
//
// It reads the report's data from the <script type="application/json" id="ts-data"> block and
// builds the charts and the findings table. Every value from the scan reaches the page through
// textContent or a chart label (chartist writes labels as text nodes), never through innerHTML.
import { BarChart, PieChart } from 'chartist';

const PAGE = 100;
/** rows rendered for printing (the screen pages them) */
const PRINT_ROWS = 2000;
const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];

function readData() {
  const el = document.getElementById('ts-data');
  return el ? JSON.parse(el.textContent || '{}') : {};
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- charts ----

function drawCharts(charts) {
  for (const box of document.querySelectorAll('[data-chart]')) {
    const spec = charts[box.getAttribute('data-chart')];
    const target = box.querySelector('.ct-target');
    if (!spec || !target || spec.counts.length === 0 || spec.counts.every((n) => n === 0)) continue;
    try {
      drawChart(spec, target);
    } catch (err) {
      console.error('chart', box.getAttribute('data-chart'), err);
    }
  }
}

function drawChart(spec, target) {
  const labels = spec.labels;
  if (spec.type === 'donut') {
    new PieChart(
      target,
      { labels, series: spec.counts },
      { donut: true, donutWidth: 38, showLabel: true, height: '220px', labelInterpolationFnc: (value, i) => (spec.counts[i] > 0 ? `${value} ${spec.counts[i]}` : '') },
    );
  } else if (spec.type === 'hbar') {
    const height = Math.max(120, labels.length * 26 + 40);
    new BarChart(
      target,
      { labels, series: [spec.counts] },
      {
        horizontalBars: true,
        reverseData: true,
        height: `${height}px`,
        axisY: { offset: 170 },
        axisX: { onlyInteger: true },
        chartPadding: { right: 24 },
      },
    );
  } else {
    // every label only when few; otherwise about six
    const step = labels.length <= 12 ? 1 : Math.ceil(labels.length / 6);
    new BarChart(
      target,
      { labels, series: [spec.counts] },
      { height: '220px', axisY: { onlyInteger: true }, axisX: { labelInterpolationFnc: (value, i) => (i % step === 0 ? value : null) } },
    );
  }
}

// ---- findings table ----

function createTable(data) {
  const root = document.getElementById('findings-table');
  if (!root) return;
  const columns = data.columns || [];
  const rows = data.rows || [];
  const body = root.querySelector('tbody');
  const status = document.getElementById('table-status');
  const search = document.getElementById('table-search');
  const sevSelect = document.getElementById('table-severity');
  const srcSelect = document.getElementById('table-source');
  const prev = document.getElementById('table-prev');
  const next = document.getElementById('table-next');
  // lower-cased text of each row, built on first search
  let haystack = null;
  const state = { query: '', minSeverity: 0, source: '', sort: 0, dir: -1, page: 0 };
  let view = rows.map((_, i) => i);

  function compute() {
    const q = state.query.toLowerCase();
    if (q && !haystack) haystack = rows.map((r) => r.slice(1).join('\u0000').toLowerCase());
    view = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r[0] < state.minSeverity) continue;
      if (state.source && r[columns.indexOf('source')] !== state.source) continue;
      if (q && haystack[i].indexOf(q) < 0) continue;
      view.push(i);
    }
    const col = state.sort;
    const dir = state.dir;
    view.sort((a, b) => {
      const x = rows[a][col];
      const y = rows[b][col];
      if (x === y) return a - b;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return (String(x) < String(y) ? -1 : 1) * dir;
    });
  }

  function renderRows(from, to) {
    const frag = document.createDocumentFragment();
    for (const i of view.slice(from, to)) {
      const r = rows[i];
      const tr = el('tr', { class: `sev-${SEVERITY[r[0]]}` });
      for (let c = 1; c < columns.length; c++) {
        const td = el('td', { 'data-col': columns[c] }, String(r[c] ?? ''));
        tr.appendChild(td);
      }
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
  }

  function render() {
    const pages = Math.max(1, Math.ceil(view.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const from = state.page * PAGE;
    renderRows(from, from + PAGE);
    const shown = view.length === 0 ? '0' : `${from + 1}–${Math.min(from + PAGE, view.length)}`;
    status.textContent = `${shown} of ${view.length} matching (${rows.length} in this report) · page ${state.page + 1} of ${pages}`;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    for (const th of root.querySelectorAll('th[data-sort]')) {
      const c = Number(th.getAttribute('data-sort'));
      th.setAttribute('aria-sort', c === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  function update() {
    compute();
    render();
  }

  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.query = search.value.trim();
      state.page = 0;
      update();
    }, 120);
  });
  sevSelect.addEventListener('change', () => {
    state.minSeverity = Number(sevSelect.value);
    state.page = 0;
    update();
  });
  srcSelect.addEventListener('change', () => {
    state.source = srcSelect.value;
    state.page = 0;
    update();
  });
  prev.addEventListener('click', () => {
    state.page--;
    render();
  });
  next.addEventListener('click', () => {
    state.page++;
    render();
  });
  for (const th of root.querySelectorAll('th[data-sort]')) {
    const activate = () => {
      const c = Number(th.getAttribute('data-sort'));
      state.dir = c === state.sort ? -state.dir : c === 0 ? -1 : 1;
      state.sort = c;
      update();
    };
    th.addEventListener('click', activate);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        activate();
      }
    });
  }
  // Printing shows more than one page: the first PRINT_ROWS rows of the current view.
  window.addEventListener('beforeprint', () => renderRows(0, PRINT_ROWS));
  window.addEventListener('afterprint', render);
  root.classList.add('ready');
  update();
}

const data = readData();
document.documentElement.classList.add('js');
// The table first: a chart that fails (reported on the console) must not cost the findings.
createTable(data);
drawCharts(data.charts || {});
// when the page was ready, for whoever measures it (the browser test prints it)
performance.mark('report-ready');
