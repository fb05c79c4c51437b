// Turns one run's results into the stdout table, results.csv, results.json and a self-contained report.html
// (inline CSS bars, no external assets, every piece of text escaped).
import fs from 'node:fs';
import path from 'node:path';
import { describeTarget, formatValue, ratioOf, targetMet } from './metrics.mjs';

/**
 * One row per metric that has a value for some server: { def, subject, baseline, ratio, met, verdict }.
 * verdict: 'better' | 'worse' | 'same' | '' (subject against baseline, in the metric's better direction).
 */
export function buildRows(run) {
  const [subject, baseline] = run.servers;
  const rows = [];
  for (const def of run.defs) {
    const sv = run.values[subject.name]?.[def.key];
    const bv = baseline ? run.values[baseline.name]?.[def.key] : undefined;
    const ran = run.ran[subject.name]?.has(def.scenario) || (baseline && run.ran[baseline.name]?.has(def.scenario));
    if (sv === undefined && bv === undefined && !ran) continue;
    const ratio = ratioOf(sv, bv);
    let verdict = '';
    if (def.better !== 'info') {
      if (Number.isFinite(sv) && Number.isFinite(bv)) {
        if (sv === bv || Math.abs(ratio - 1) < 0.005) verdict = 'same';
        else verdict = (sv > bv) === (def.better === 'higher') ? 'better' : 'worse';
      } else if (Number.isFinite(sv) && Number.isNaN(bv)) verdict = 'better'; // only the baseline failed
      else if (Number.isNaN(sv) && Number.isFinite(bv)) verdict = 'worse';
    }
    rows.push({ def, subject: sv, baseline: bv, ratio, met: targetMet(def, sv, bv), verdict });
  }
  return rows;
}

const betterText = (def) => (def.better === 'info' ? '-' : `${def.better} is better`);
const betterShort = (def) => (def.better === 'info' ? '-' : def.better);
const metText = (met) => (met === null ? '' : met ? 'met' : 'MISSED');

function pad(s, w, right = false) {
  s = String(s);
  if (s.length >= w) return s;
  return right ? ' '.repeat(w - s.length) + s : s + ' '.repeat(w - s.length);
}

/** The table printed on stdout: scenario headings, one line per metric. */
export function formatTable(run, rows) {
  const [subject, baseline] = run.servers;
  const cols = [
    { h: 'metric', w: 52 }, { h: 'unit', w: 8 }, { h: subject.name, w: 11, right: true },
    ...(baseline ? [{ h: baseline.name, w: 11, right: true }, { h: 'ratio', w: 7, right: true }] : []),
    { h: 'better', w: 6 }, ...(baseline ? [{ h: subject.name, w: 8 }] : []),
    { h: 'target', w: 13 }, { h: '', w: 6 },
  ];
  const line = (cells) => cols.map((c, i) => pad(cells[i] ?? '', c.w, c.right)).join(' ').trimEnd();
  const out = [line(cols.map((c) => c.h)), '-'.repeat(cols.reduce((s, c) => s + c.w + 1, -1))];
  let scenario = null;
  for (const r of rows) {
    if (r.def.scenario !== scenario) {
      scenario = r.def.scenario;
      out.push(run.titles?.[scenario] ? `[${scenario}: ${run.titles[scenario]}]` : `[${scenario}]`);
    }
    const label = r.def.label.length > 50 ? `${r.def.label.slice(0, 49)}…` : r.def.label;
    const cells = [`  ${label}`, r.def.unit, formatValue(r.subject)];
    if (baseline) cells.push(formatValue(r.baseline), Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '-');
    cells.push(betterShort(r.def));
    if (baseline) cells.push(r.verdict);
    cells.push(describeTarget(r.def), metText(r.met));
    out.push(line(cells));
  }
  if (baseline) {
    out.push('', `ratio = ${subject.name} / ${baseline.name}; "better" says which way is better for that metric (higher`,
      `or lower value, so for "higher" a ratio above 1 favours ${subject.name}, for "lower" one below 1 does); the`,
      `"${subject.name}" column says whether ${subject.name} came out better or worse than ${baseline.name}.`);
  }
  return out.join('\n');
}

function csvCell(v) {
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(run, rows) {
  const [subject, baseline] = run.servers;
  const header = ['scenario', 'metric', 'label', 'unit', 'better', subject.name, ...(baseline ? [baseline.name, 'ratio'] : []),
    'target', 'target_met'];
  const num = (v) => (Number.isFinite(v) ? String(+v.toPrecision(6)) : '');
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) {
    const cells = [r.def.scenario, r.def.key, r.def.label, r.def.unit, r.def.better, num(r.subject)];
    if (baseline) cells.push(num(r.baseline), num(r.ratio));
    cells.push(describeTarget(r.def), r.met === null ? '' : String(r.met));
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

export function formatJson(run, rows) {
  const finite = (v) => (Number.isFinite(v) ? v : null);
  return JSON.stringify({
    meta: run.meta,
    servers: run.servers,
    rows: rows.map((r) => ({
      scenario: r.def.scenario, metric: r.def.key, label: r.def.label, unit: r.def.unit, better: r.def.better,
      values: Object.fromEntries(run.servers.map((s) => [s.name, finite(run.values[s.name]?.[r.def.key])])),
      ratio: finite(r.ratio), target: describeTarget(r.def) || null, targetMet: r.met,
    })),
    samples: Object.fromEntries(Object.entries(run.samples).map(([server, byKey]) => [server,
      Object.fromEntries(Object.entries(byKey).map(([k, list]) => [k, list.map(finite)]))])),
    notes: run.notes,
    errors: run.errors,
    durationsS: run.durations,
  }, null, 2) + '\n';
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export function formatHtml(run, rows) {
  const [subject, baseline] = run.servers;
  const colors = ['#2f6fdf', '#9a9a9a'];
  const sections = [];
  let current = null;
  for (const r of rows) {
    if (!current || current.name !== r.def.scenario) {
      current = { name: r.def.scenario, rows: [] };
      sections.push(current);
    }
    current.rows.push(r);
  }
  const bar = (value, max, color, name) => {
    const pct = Number.isFinite(value) && max > 0 ? Math.max(0.5, (value / max) * 100) : 0;
    return `<div class="bar"><span style="width:${pct.toFixed(1)}%;background:${color}"></span>` +
      `<em>${esc(name)}: ${esc(formatValue(value))}</em></div>`;
  };
  const body = sections.map((sec) => {
    const trs = sec.rows.map((r) => {
      const vals = [r.subject, r.baseline].filter(Number.isFinite);
      const max = vals.length ? Math.max(...vals) : 0;
      const bars = bar(r.subject, max, colors[0], subject.name) + (baseline ? bar(r.baseline, max, colors[1], baseline.name) : '');
      const cls = r.verdict === 'better' ? 'good' : r.verdict === 'worse' ? 'bad' : '';
      const met = r.met === null ? '' : `<span class="${r.met ? 'good' : 'bad'}">${r.met ? 'met' : 'missed'}</span>`;
      return `<tr><td>${esc(r.def.label)}<small>${esc(r.def.key)}</small></td><td>${esc(r.def.unit)}</td>` +
        `<td class="bars">${bars}</td>` +
        (baseline ? `<td class="${cls}">${Number.isFinite(r.ratio) ? esc(r.ratio.toFixed(2)) : '-'}</td>` : '') +
        `<td>${esc(betterText(r.def))}</td><td>${esc(describeTarget(r.def))} ${met}</td></tr>`;
    }).join('\n');
    const notes = run.servers.flatMap((s) => [
      ...(run.errors[s.name]?.[sec.name] ? [`${s.name}: ERROR ${run.errors[s.name][sec.name]}`] : []),
      ...(run.notes[s.name]?.[sec.name] || []).map((n) => `${s.name}: ${n}`),
    ]);
    const title = run.titles?.[sec.name] ? `<p>${esc(run.titles[sec.name])}</p>` : '';
    return `<h2>${esc(sec.name)}</h2>\n${title}<table><tr><th>metric</th><th>unit</th><th>value</th>` +
      (baseline ? `<th>ratio</th>` : '') + `<th>direction</th><th>target</th></tr>\n${trs}</table>` +
      (notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '');
  }).join('\n');
  const legend = run.servers.map((s, i) =>
    `<span class="key" style="background:${colors[i]}"></span>${esc(s.name)}: <code>${esc(s.template)}</code>`).join('<br>');
  const m = run.meta;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>wsbridge bench ${esc(m.date)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;width:100%;margin-bottom:.5em}
td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td small{display:block;color:#888;font-size:11px}
td.bars{width:40%}
.bar{position:relative;height:16px;margin:2px 0;background:#f3f3f3}
.bar span{position:absolute;left:0;top:0;bottom:0}
.bar em{position:relative;font-style:normal;font-size:12px;padding-left:4px}
.good{color:#1a7f37;font-weight:600}.bad{color:#c0261d;font-weight:600}
.key{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}
.notes{color:#555;font-size:12px}
code{font-size:12px}
</style></head><body>
<h1>wsbridge bench</h1>
<p>${legend}</p>
<p>${esc(m.date)} · ${esc(m.host)} · ${esc(m.nproc)} cores · ${esc(m.memMb)} MB RAM · fd limit ${esc(m.fdLimit)} ·
node ${esc(m.node)} · ${esc(m.kernel)}</p>
<p>Read ratios, not absolute numbers: the machine is shared and noisy.${baseline ? ` ratio = ${esc(subject.name)} / ${esc(baseline.name)};
green means ${esc(subject.name)} is better in that metric's direction, red worse.` : ''}</p>
${body}
<h2>settings</h2><pre>${esc(JSON.stringify(m.settings, null, 1))}</pre>
</body></html>
`;
}

/** Writes results.csv, results.json and report.html into dir; returns their paths. */
export function writeReports(dir, run, rows) {
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    csv: path.join(dir, 'results.csv'),
    json: path.join(dir, 'results.json'),
    html: path.join(dir, 'report.html'),
  };
  fs.writeFileSync(files.csv, formatCsv(run, rows));
  fs.writeFileSync(files.json, formatJson(run, rows));
  fs.writeFileSync(files.html, formatHtml(run, rows));
  return files;
}
