// Draws the report dashboard's charts from the server's JSON (/reports/data.json).
(function () {
  "use strict";
  var holder = document.getElementById("rp-data");
  if (!holder || typeof Chart === "undefined") { return; }
  var style = getComputedStyle(document.documentElement);
  function colour(name) {  // the bucket's colour as the pages' stylesheet defines it (--green, --blue…)
    return style.getPropertyValue("--" + name).trim();
  }

  function datasets(data, rows, type) {
    return data.buckets.map(function (bucket) {
      return {
        label: bucket.label, type: type, key: bucket.key, backgroundColor: colour(bucket.colour), borderColor: colour(bucket.colour),
        data: rows.map(function (row) { return row[bucket.key]; })
      };
    });
  }

  // The registry rows behind a chart segment: the report's arguments and the segment's own.
  function behind(extra) {
    var url = new URL(holder.dataset.registry, window.location.href);
    Object.keys(extra).forEach(function (key) { if (extra[key]) { url.searchParams.set(key, extra[key]); } });
    return url.pathname + url.search;
  }

  function opener(rows, args) {  // a click on a bar or point opens the tasks it counts
    return function (event, elements, chart) {
      if (!elements.length) { return; }
      var found = elements[0];
      var extra = args(rows[found.index]);
      if (!extra) { return; }
      extra.outcome = chart.data.datasets[found.datasetIndex].key;
      window.location.href = behind(extra);
    };
  }

  function draw(data) {
    var units = document.getElementById("rp-units");
    if (units) {
      new Chart(units, {
        type: "bar",
        data: { labels: data.units.map(function (u) { return u.name; }), datasets: datasets(data, data.units, "bar") },
        options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } },
                   onClick: opener(data.units, function (u) { return u.code ? { unit: u.code, own: u.own ? "1" : "" } : null; }) }
      });
    }
    var trend = document.getElementById("rp-trend");
    if (trend) {
      var lines = datasets(data, data.trend, "line");
      lines.push({ label: holder.dataset.rate, type: "line", yAxisID: "rate", borderDash: [6, 4], borderColor: "#333",
                   data: data.trend.map(function (t) { return t.rate; }) });
      new Chart(trend, {
        type: "line",
        data: { labels: data.trend.map(function (t) { return t.label; }), datasets: lines },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true },
                   rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } },
                   onClick: opener(data.trend, function (t) { return { as_of: t.as_of }; }) }
      });
    }
    document.body.dataset.chartsReady = "yes";
  }

  fetch(holder.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(draw)
    .catch(function () { document.body.dataset.chartsReady = "error"; });
}());
