// The console home's trend charts: overdue items per day and rights-request handling times by month,
// drawn with the vendored Chart.js (static/vendor/) from the JSON the page carries; no inline script (CSP).
(function () {
  "use strict";
  var source = document.getElementById("compliance-trend-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var overdue = document.getElementById("compliance-overdue-chart");
  if (overdue) {
    new window.Chart(overdue, {
      type: "line",
      data: {
        labels: data.overdue.map(function (d) { return d.day; }),
        datasets: [
          { label: "overdue", data: data.overdue.map(function (d) { return d.overdue; }), borderColor: "#b00020", backgroundColor: "#b00020" },
          { label: "due soon", data: data.overdue.map(function (d) { return d.due_soon; }), borderColor: "#b26a00", backgroundColor: "#b26a00" }
        ]
      },
      options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var handling = document.getElementById("compliance-handling-chart");
  if (handling) {
    new window.Chart(handling, {
      type: "bar",
      data: {
        labels: data.handling.map(function (m) { return m.month; }),
        datasets: [
          { label: "median days", data: data.handling.map(function (m) { return m.median_days; }), backgroundColor: "#1f5fa8" },
          { label: "longest (days)", data: data.handling.map(function (m) { return m.max_days; }), backgroundColor: "#9bb7d8" }
        ]
      },
      options: { animation: false, scales: { y: { beginAtZero: true, title: { display: true, text: "days" } } } }
    });
  }
  document.documentElement.setAttribute("data-trend-drawn", "yes");
})();
