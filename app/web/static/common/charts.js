// Charts with Chart.js, vendored (static/vendor/chart.umd.min.js, see README) and loaded only by
// the pages that draw: a script element from this server, which the CSP allows.

let loading = null;

/** loadChart resolves to the Chart constructor. */
export function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/web/vendor/chart.umd.min.js';
      s.onload = () => resolve(window.Chart);
      s.onerror = () => { loading = null; reject(new Error('The chart library did not load.')); };
      document.head.append(s);
    });
  }
  return loading;
}

/** brandColor reads a CSS custom property (the tenant's colour). */
export function brandColor(name = '--brand') {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#1b5fb5';
}

/** draw makes a chart on a canvas, destroying the one it had. */
export async function draw(canvas, config) {
  const Chart = await loadChart();
  Chart.getChart(canvas)?.destroy();
  config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...config.options };
  return new Chart(canvas, config);
}
