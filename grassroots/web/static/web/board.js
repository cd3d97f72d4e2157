/* The board's charts (ECharts), drawn from the figures the page embeds with json_script
   (#board-charts); the tables next to them carry the same figures for readers without JS. */
(function () {
  "use strict";

  const source = document.getElementById("board-charts");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const narrow = function () {
    return window.matchMedia("(max-width: 600px)").matches;
  };
  // A bar chart grows with its bars rather than stretching a few of them.
  const barHeight = function (element, count) {
    element.style.height = Math.max(120, count * 28 + 48) + "px";
  };
  const percent = function (value) {
    return value === null || value === undefined ? "—" : value + "%";
  };

  const options = {
    trend: function (trend) {
      return {
        tooltip: { trigger: "axis", valueFormatter: percent },
        legend: { type: "scroll", top: 0 },
        grid: { left: 44, right: 16, top: 40, bottom: 28 },
        xAxis: { type: "category", data: trend.labels, boundaryGap: false },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: trend.series.map(function (series) {
          return { name: series.name, type: "line", data: series.values, connectNulls: false, symbolSize: 6 };
        }),
      };
    },
    split: function (split) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30, data: split,
          label: { show: !narrow(), formatter: "{b}\n{c}" },
        }],
      };
    },
    categories: function (categories, element) {
      barHeight(element, categories.names.length);
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: categories.names.slice().reverse() },
        series: [{ type: "bar", data: categories.values.slice().reverse(), label: { show: true, position: "right" } }],
      };
    },
    ranking: function (ranking, element) {
      barHeight(element, ranking.names.length);
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: percent },
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: ranking.names.slice().reverse() },
        series: [{ name: ranking.name, type: "bar", data: ranking.values.slice().reverse(), label: { show: true, position: "right", formatter: "{c}%" } }],
      };
    },
  };

  document.querySelector(".page").classList.add("charts-ready");
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    const key = element.dataset.chart;
    if (!data[key] || !options[key]) {
      element.hidden = true;
      return;
    }
    const option = options[key](data[key], element);
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  });
  if (charts.length && "ResizeObserver" in window) {
    const observer = new ResizeObserver(function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
    charts.forEach(function (chart) { observer.observe(chart.getDom()); });
  }
})();
