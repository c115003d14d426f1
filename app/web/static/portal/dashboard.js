// The dashboard: members, activity and watch time with their trends against the previous 30
// days, the redemption rate, and charts of watch time by day and popular categories and classes.
import { h, mount, field, table, empty, fmtMinutes, fmtNum } from '../common/dom.js';
import { draw, brandColor } from '../common/charts.js';
import { setQuery } from '../common/shell.js';
import { keyHeaders } from './key.js';

const PERIODS = [['week', 'Last 7 days'], ['month', 'Last 30 days'], ['quarter', 'Last 90 days']];

function trend(change, label) {
  if (!change) return null;
  const cls = change.startsWith('+') && change !== '+0%' ? 'up' : change.startsWith('-') ? 'down' : '';
  return h('div', { class: `trend ${cls}` }, `${change} ${label}`);
}

function stat(label, value, extra) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), extra);
}

export async function dashboardPage(ctx, _params, query) {
  const { api, main, me } = ctx;
  let period = query.get('period') || 'month';
  const [d, vs] = await Promise.all([
    api.get('/partner/dashboard'),
    api.get('/partner/vouchers/stats', null, keyHeaders()).catch(() => null),
  ]);
  const periodSel = h('select', { name: 'period' }, PERIODS.map(([v, l]) => h('option', { value: v, selected: v === period }, l)));
  const usage = h('div', {});
  periodSel.addEventListener('change', () => { period = periodSel.value; setQuery({ period }); loadUsage(); });

  mount(main,
    h('h1', {}, `Welcome, ${me.name || me.email}`),
    h('div', { class: 'grid', 'aria-label': 'Overview' },
      stat('Members', fmtNum(d.totalMembers), trend(d.trends.membersChange, 'new vs previous 30 days')),
      stat('Active (30 days)', fmtNum(d.activeMembers), h('div', { class: 'muted' }, d.totalMembers ? `${Math.round((d.activeMembers / d.totalMembers) * 100)}% of members` : '')),
      stat('Watch time', fmtMinutes(d.totalWatchTimeMinutes), trend(d.trends.watchTimeChange, 'vs previous 30 days')),
      stat('Classes watched', fmtNum(d.totalClassesWatched)),
      vs ? stat('Redemption rate', `${vs.redemptionRate}%`, h('div', { class: 'muted' }, `${fmtNum(vs.redeemed)} of ${fmtNum(vs.total)} codes`))
        : stat('Redemption rate', '—', h('a', { href: '#/vouchers' }, 'Add your app key'))),
    h('div', { class: 'toolbar' }, h('div', {}, field('Period', periodSel))),
    usage);

  async function loadUsage() {
    const a = await api.get('/partner/analytics', { period });
    if (!d.totalMembers) {
      mount(usage, h('div', { class: 'card' }, empty('No members yet', 'Generate voucher codes and hand them out: charts fill in as your members watch classes.',
        h('a', { class: 'button', href: '#/vouchers' }, 'Generate vouchers'))));
      return;
    }
    const watchCanvas = h('canvas', { id: 'watch-chart', role: 'img', 'aria-label': `Watch time by day, ${a.period.startDate} to ${a.period.endDate}` });
    const catCanvas = h('canvas', { id: 'category-chart', role: 'img', 'aria-label': 'Popular categories by views' });
    mount(usage,
      h('div', { class: 'grid' },
        stat('Watch time in period', fmtMinutes(a.totals.watchTimeMinutes)), stat('Classes watched', fmtNum(a.totals.classesWatched)),
        stat('Classes completed', fmtNum(a.totals.classesCompleted)), stat('Active in period', `${fmtNum(a.totals.activeMembers)} of ${fmtNum(a.totals.totalMembers)}`)),
      h('section', { class: 'card', 'aria-labelledby': 'wt-h' }, h('h2', { id: 'wt-h' }, 'Watch time by day (minutes)'), h('div', { class: 'chart-box' }, watchCanvas)),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card', 'aria-labelledby': 'pc-h' }, h('h2', { id: 'pc-h' }, 'Popular categories'),
          a.popularCategories.length ? h('div', { class: 'chart-box' }, catCanvas) : empty('Nothing watched in this period', 'Choose a longer period.')),
        h('section', { class: 'card', 'aria-labelledby': 'pcl-h' }, h('h2', { id: 'pcl-h' }, 'Popular classes'),
          table([
            { label: 'Class', value: (c) => c.name },
            { label: 'Category', value: (c) => c.category || '—' },
            { label: 'Views', num: true, value: (c) => fmtNum(c.views) },
            { label: 'Minutes', num: true, value: (c) => fmtNum(c.watchTimeMinutes) },
          ], a.popularClasses, empty('Nothing watched in this period', 'Choose a longer period.'), 'Popular classes'))));
    const brand = brandColor();
    await draw(watchCanvas, {
      type: 'bar',
      data: { labels: a.watchTimeByDay.map((x) => x.date.slice(5)), datasets: [{ label: 'Minutes watched', data: a.watchTimeByDay.map((x) => x.minutes), backgroundColor: brand }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
    if (a.popularCategories.length) {
      await draw(catCanvas, {
        type: 'bar',
        data: { labels: a.popularCategories.map((c) => c.name), datasets: [{ label: 'Views', data: a.popularCategories.map((c) => c.views), backgroundColor: brand }] },
        options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
      });
    }
  }
  await loadUsage();
}
