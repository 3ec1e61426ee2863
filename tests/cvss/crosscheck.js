// Prints "VECTOR BASE SCORE" lines as ae-cvss-calculator (an independent
// implementation of FIRST's formulas) scores them, for tests/cvss.sh:
// every CVSS v3.1 base vector, then COUNT pseudo-random vectors (a fixed
// seed: the same every run) of each of v3.0, v3.1 and v4.0, base only or
// with threat, temporal, environmental and supplemental metrics.
//
//   NODE_PATH=tests/cvss/node_modules node tests/cvss/crosscheck.js COUNT
'use strict';
const ae = require('ae-cvss-calculator');

const count = Number(process.argv[2] || 1000);
const v3base = [['AV', 'NALP'], ['AC', 'LH'], ['PR', 'NLH'], ['UI', 'NR'],
  ['S', 'UC'], ['C', 'HLN'], ['I', 'HLN'], ['A', 'HLN']];
const v3opt = [['E', 'XHFPU'], ['RL', 'XOTWU'], ['RC', 'XCRU'],
  ['CR', 'XHML'], ['IR', 'XHML'], ['AR', 'XHML'], ['MAV', 'XNALP'],
  ['MAC', 'XLH'], ['MPR', 'XNLH'], ['MUI', 'XNR'], ['MS', 'XUC'],
  ['MC', 'XHLN'], ['MI', 'XHLN'], ['MA', 'XHLN']];
const v4base = [['AV', 'NALP'], ['AC', 'LH'], ['AT', 'NP'], ['PR', 'NLH'],
  ['UI', 'NPA'], ['VC', 'HLN'], ['VI', 'HLN'], ['VA', 'HLN'],
  ['SC', 'HLN'], ['SI', 'HLN'], ['SA', 'HLN']];
const v4opt = [['E', 'XAPU'], ['CR', 'XHML'], ['IR', 'XHML'],
  ['AR', 'XHML'], ['MAV', 'XNALP'], ['MAC', 'XLH'], ['MAT', 'XNP'],
  ['MPR', 'XNLH'], ['MUI', 'XNPA'], ['MVC', 'XHLN'], ['MVI', 'XHLN'],
  ['MVA', 'XHLN'], ['MSC', 'XHLN'], ['MSI', 'XSHLN'], ['MSA', 'XSHLN'],
  ['S', 'XNP'], ['AU', 'XNY'], ['R', 'XAUI'], ['V', 'XDC'],
  ['RE', 'XLMH'], ['U', ['X', 'Clear', 'Green', 'Amber', 'Red']]];

// mulberry32: small, seeded, well spread.
let seed = 20271207;
function rnd(n) {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
}

const out = [];
function emit(v) {
  const c = v.startsWith('CVSS:4.0/') ? new ae.Cvss4P0(v) :
    v.startsWith('CVSS:3.1/') ? new ae.Cvss3P1(v) : new ae.Cvss3P0(v);
  const s = c.calculateScores();
  const base = v.startsWith('CVSS:4.0/') ? s.baseMetricsOnly : s.base;
  out.push(`${v} ${base.toFixed(1)} ${s.overall.toFixed(1)}`);
}

function all(prefix, metrics, i, acc) {
  if (i === metrics.length) {
    emit(prefix + acc);
    return;
  }
  for (const v of metrics[i][1])
    all(prefix, metrics, i + 1, `${acc}/${metrics[i][0]}:${v}`);
}
all('CVSS:3.1', v3base, 0, '');

for (let i = 0; i < count; i++) {
  for (const [prefix, base, opt] of [['CVSS:3.0', v3base, v3opt],
    ['CVSS:3.1', v3base, v3opt], ['CVSS:4.0', v4base, v4opt]]) {
    let v = prefix;
    for (const [name, values] of base)
      v += `/${name}:${values[rnd(values.length)]}`;
    // Half of them base only; the rest with about two in three of
    // the optional metrics.
    if (i % 2 === 1) {
      for (const [name, values] of opt)
        if (rnd(3) !== 0)
          v += `/${name}:${values[rnd(values.length)]}`;
    }
    emit(v);
  }
}
process.stdout.write(out.join('\n') + '\n');
