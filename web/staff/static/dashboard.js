// The dashboard's charts, drawn by Chart.js from the numbers the page carries as JSON (the page runs
// no inline script). Each chart's numbers are also a table on the page and a CSV file.
"use strict";

(function drawCharts() {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const palette = ["#06C755", "#1f5fbf", "#f59e0b", "#8b5cf6", "#0ea5e9", "#ef4444", "#14b8a6", "#64748b"];
  const red = "#c62828";
  const green = "#05612c";
  Chart.defaults.font.family = '"Sarabun", "Noto Sans Thai", "Leelawadee UI", "Tahoma", sans-serif';
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#1f2a24";
  data.charts.forEach((chart) => {
    const card = document.querySelector(`[data-chart="${chart.name}"]`);
    if (!card) return;
    const canvas = card.querySelector("canvas");
    const stacked = chart.series.length > 1;
    const datasets = chart.series.map((series, index) => ({
      label: series.label,
      data: series.data,
      backgroundColor: chart.late.length
        ? chart.late.map((late) => (late ? red : green))
        : palette[index % palette.length],
      borderWidth: 0,
    }));
    const instance = new Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: chart.name === "decisions" ? "y" : "x",
        plugins: {
          legend: { display: stacked, position: "bottom" },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.formattedValue} ${chart.unit}` } },
        },
        scales: {
          x: { stacked, beginAtZero: true, ticks: { autoSkip: true, maxRotation: 0, precision: 0 } },
          y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    card.dataset.rendered = String(instance.data.datasets.length);
  });
})();
