// The leaders' dashboard: tasks received and completed (on time, late) per week, drawn with Chart.js (served
// locally from static/vendor/chartjs). The figures come from the page itself (data-trend), so nothing is fetched.
(function () {
  "use strict";
  const canvas = document.getElementById("trend-chart");
  if (!canvas || typeof Chart === "undefined") {
    return;
  }
  const weeks = JSON.parse(canvas.dataset.trend || "[]");
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: weeks.map((w) => "Tuần " + w.week),
      datasets: [
        { label: "Hoàn thành đúng hạn", data: weeks.map((w) => w.on_time), backgroundColor: "#198754", stack: "done" },
        { label: "Hoàn thành trễ hạn", data: weeks.map((w) => w.late), backgroundColor: "#dc3545", stack: "done" },
        {
          label: "Việc mới nhận",
          data: weeks.map((w) => w.received),
          type: "line",
          borderColor: "#0d6efd",
          backgroundColor: "#0d6efd",
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  canvas.dataset.drawn = String(chart.data.labels.length); // the browser tests wait for this
})();
