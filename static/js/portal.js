/* Small behaviours of the portal's pages (no inline scripts: the CSP forbids them). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  document.querySelectorAll("select[data-navigate], #year-select").forEach(function (select) {
    select.addEventListener("change", function () { window.location.href = select.value; });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var canvas = document.getElementById("monthly-chart");
  if (canvas && window.Chart) {
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: canvas.dataset.labels.split(","),
        datasets: [{ label: canvas.dataset.label, data: canvas.dataset.values.split(",").map(Number),
                     backgroundColor: "#1f4e8c" }]
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
    });
  }
  var poolCanvas = document.getElementById("pool-chart");
  var poolData = document.getElementById("pool-chart-data");
  if (poolCanvas && poolData && window.Chart) {
    var data = JSON.parse(poolData.textContent);
    new window.Chart(poolCanvas, {
      type: "line",
      data: { labels: data.labels, datasets: data.datasets.map(function (d) {
        return { label: d.label, data: d.data, tension: 0.25, pointRadius: 2 };
      }) },
      options: { plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true } } }
    });
  }
})();
