// computestrata dashboard: draws the charts from the JSON API (/api/...).
// No inline script anywhere (the Content-Security-Policy forbids it). Data-derived text goes
// into the page with textContent only, and into plotly labels escaped (plotly reads some HTML).
"use strict";

(function () {
  const main = document.getElementById("page");
  const page = main.dataset.page;
  const lang = main.dataset.lang;
  const labels = JSON.parse(main.dataset.labels || "{}");
  let pending = 0;
  const numberFormat = new Intl.NumberFormat({ ko: "ko-KR", zh: "zh-CN" }[lang] || "en-US", { maximumFractionDigits: 0 });

  function esc(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function busy(delta) {
    pending += delta;
    main.dataset.state = pending > 0 ? "loading" : "idle";
  }

  function value(id) {
    const el = document.getElementById(id);
    return el ? el.value : "";
  }

  function api(path, params) {
    const q = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== "" && params[k] !== null && params[k] !== undefined) q.set(k, params[k]);
    });
    q.set("lang", lang);
    return fetch(path + "?" + q.toString(), { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) {
          const err = new Error(body.error || String(r.status));
          err.hint = body.hint;
          throw err;
        }
        return body;
      });
    });
  }

  function status(id, text, isError) {
    const el = document.getElementById(id + "-status");
    if (!el) return;
    el.textContent = text || "";
    el.className = isError ? "status error" : "status";
  }

  function cite(id, body) {
    const src = document.getElementById(id + "-sources");
    const notes = document.getElementById(id + "-notes");
    if (src) {
      src.replaceChildren();
      (body.sources || []).forEach(function (s) {
        const li = document.createElement("li");
        const parts = [s.publisher, s.title || s.source_id, s.license ? "(" + s.license + ")" : ""];
        li.textContent = parts.filter(Boolean).join(" · ");
        src.appendChild(li);
      });
    }
    if (notes) {
      notes.replaceChildren();
      (body.notes || []).forEach(function (n) {
        const li = document.createElement("li");
        li.textContent = n;
        notes.appendChild(li);
      });
    }
  }

  function layout(title, more) {
    const base = {
      title: { text: esc(title), x: 0, xanchor: "left" },
      margin: { l: 60, r: 20, t: 60, b: 40 },  // axes grow it (automargin) when labels need room
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom" },
      height: 440,
    };
    const out = Object.assign(base, more || {});
    out.xaxis = Object.assign({ automargin: true }, (more || {}).xaxis || {});
    return out;
  }

  function draw(id, data, lay) {
    const div = document.getElementById(id + "-chart") || document.getElementById(id);
    return Plotly.react(div, data, lay, { displaylogo: false, responsive: true });
  }

  function load(id, path, params, render) {
    busy(1);
    status(id, labels.loading);
    return api(path, params)
      .then(function (body) {
        render(body);
        cite(id, body);
        status(id, "");
      })
      .catch(function (err) {
        status(id, labels.error + ": " + err.message + (err.hint ? " — " + labels.hint + ": " + err.hint : ""), true);
      })
      .finally(function () { busy(-1); });
  }

  // ------------------------------------------------------------ TOP500
  function top500Countries() {
    return load("countries", "/api/top500/countries", { list: value("list") }, function (body) {
      const rows = (body.rows || []).slice().sort(function (p, q) {
        return (q.rmax_share_pct || 0) - (p.rmax_share_pct || 0);
      }).slice(0, 15);
      draw("countries", [{
        type: "bar",
        x: rows.map(function (r) { return esc(r.country); }),
        y: rows.map(function (r) { return r.rmax_share_pct; }),
        customdata: rows.map(function (r) { return r.systems; }),
        hovertemplate: "%{x}: %{y:.1f} % (%{customdata})<extra></extra>",
        marker: { color: "#1f5fbf" },
      }], layout(body.title, { yaxis: { title: { text: esc(labels.rmax_share || "Rmax %") } } }));
    });
  }

  function top500History() {
    return load("history", "/api/top500/series", { country: value("country") }, function (body) {
      const rows = body.rows || [];
      const x = rows.map(function (r) { return r.list_id; });
      draw("history", [
        { type: "scatter", mode: "lines", name: esc(labels.rmax_share || "Rmax %"), x: x, y: rows.map(function (r) { return r.rmax_share_pct; }) },
        { type: "scatter", mode: "lines", name: esc(labels.systems_share || "systems %"), x: x, y: rows.map(function (r) { return r.systems_share_pct; }) },
      ], layout(body.title, { xaxis: { type: "category", nticks: 16 } }));
    });
  }

  function top500Systems() {
    busy(1);
    return api("/api/top500/systems", { list: value("list"), top: 10 })
      .then(function (body) {
        const tbody = document.querySelector("#systems-table tbody");
        document.getElementById("systems-caption").textContent = body.title;
        tbody.replaceChildren();
        (body.rows || []).forEach(function (r) {
          const tr = document.createElement("tr");
          [r.rank, r.name || r.computer, r.site, r.country_iso3, r.rmax_tflops].forEach(function (v, i) {
            const td = document.createElement("td");
            td.textContent = v === null || v === undefined ? "—" : i === 4 ? numberFormat.format(v) : String(v);
            if (i === 4) td.className = "num";
            tr.appendChild(td);
          });
          tbody.appendChild(tr);
        });
      })
      .catch(function (err) { document.getElementById("systems-caption").textContent = labels.error + ": " + err.message; })
      .finally(function () { busy(-1); });
  }

  // ------------------------------------------------------------ export controls
  const STATUS_COLOURS = {
    free: "#8ab17d", exception: "#2a9d8f", approval: "#f4a261", license: "#e76f51", within_cap: "#e9c46a",
    measure: "#b5838d", case_by_case: "#f08a24", denial: "#d7263d", indeterminate: "#b8c0cc",
  };

  function controlsMatrix() {
    return load("matrix", "/api/controls/matrix", { dest: value("dest"), dates: value("dates") }, function (body) {
      const rows = body.rows || [];
      const dates = Array.from(new Set(rows.map(function (r) { return r.date; }))).sort();
      const statuses = Array.from(new Set(rows.map(function (r) { return r.status; })));
      const names = labels.statuses || {};
      const data = statuses.map(function (s) {
        return {
          type: "bar",
          name: esc(names[s] || s),
          x: dates,
          y: dates.map(function (d) { return rows.filter(function (r) { return r.date === d && r.status === s; }).length; }),
          marker: { color: STATUS_COLOURS[s] || "#4a4a4a" },
        };
      });
      draw("matrix", data, layout(body.title || value("dest"), { barmode: "stack", xaxis: { type: "category" } }));
    });
  }

  // ------------------------------------------------------------ cooperation
  const CLASS_COLOURS = { open: "#2a9d8f", limited: "#f4a261", restricted: "#d7263d" };

  function coopPair() {
    return load("pair", "/api/coop/pair", { a: value("a"), b: value("b"), date: value("date") }, function (body) {
      const rows = body.rows || [];
      draw("pair", [{
        type: "bar",
        orientation: "h",
        y: rows.map(function (r) { return esc(r.layer + " " + ((labels.segments || {})[r.segment] || r.segment)); }),
        x: rows.map(function (r) { return r.score; }),
        text: rows.map(function (r) { return esc((labels.classes || {})[r["class"]] || r["class"]); }),
        marker: { color: rows.map(function (r) { return CLASS_COLOURS[r["class"]] || "#b8c0cc"; }) },
        hovertemplate: "%{y}: %{x:.2f} (%{text})<extra></extra>",
      }], layout(body.title, {
        height: Math.max(440, 22 * rows.length + 160),
        margin: { l: 220, r: 20, t: 60, b: 50 },
        xaxis: { range: [0, 1] },
        yaxis: { autorange: "reversed", automargin: true },
      }));
    });
  }

  // ------------------------------------------------------------ report charts
  function reportFigures() {
    const params = { section: value("section"), a: value("a"), b: value("b"), date: value("date") };
    return load("figures", "/api/report/figures", params, function (body) {
      document.getElementById("figures-title").textContent = body.title;
      const box = document.getElementById("figures");
      box.replaceChildren();
      if (body.hidden) {
        const p = document.createElement("p");
        p.textContent = body.hidden;
        box.appendChild(p);
      }
      (body.figures || []).forEach(function (f, i) {
        const div = document.createElement("div");
        div.className = "chart";
        div.id = "figure-" + i;
        div.dataset.key = f.key;
        box.appendChild(div);
        Plotly.newPlot(div, f.spec.data, f.spec.layout, { displaylogo: false, responsive: true });
        if (f.caption) {  // sources and licences, as under the report's chart
          const cap = document.createElement("p");
          cap.className = "caption";
          cap.textContent = f.caption;
          box.appendChild(cap);
        }
      });
    });
  }

  // ------------------------------------------------------------ scenarios
  function scenarioRun() {
    const params = { name: value("scenario"), a: value("a"), b: value("b") };
    return load("scenario", "/api/scenarios/run", params, function (body) {
      const proj = (body.scenarios || [])[0];
      if (!proj) return;
      const years = proj.years || [];
      const x = years.map(function (y) { return y.year; });
      const countries = [];
      years.forEach(function (y) {
        Object.keys((y.shares || {}).intelligent || {}).forEach(function (c) {
          if (countries.indexOf(c) < 0) countries.push(c);
        });
      });
      const data = countries.map(function (c) {
        return {
          type: "scatter", mode: "lines+markers", name: esc(c), x: x,
          y: years.map(function (y) { const v = y.shares.intelligent[c]; return v === undefined ? null : 100 * v; }),
          hovertemplate: "%{x} " + esc(c) + ": %{y:.1f}%<extra></extra>",
        };
      });
      draw("scenario", data, layout(body.title, {
        yaxis: { title: { text: (labels.scenario_axis || "") + " (%)" }, rangemode: "tozero", ticksuffix: "%" },
      }));
    });
  }

  // The same bands as the report's scenario section (/api/scenarios/bands: its seed and sample):
  // two panels, China's share and the pair's open cooperation share, each with the p5-p95 band
  // (p5 filled up to p95), the median and the run at central values.
  function scenarioBands() {
    const params = { name: value("scenario"), a: value("a"), b: value("b") };
    return load("bands", "/api/scenarios/bands", params, function (body) {
      const legend = body.legend || {};
      const axes = body.axes || {};
      const pct = function (v) { return v === null || v === undefined ? null : 100 * v; };
      const data = [];
      const more = { height: 480, margin: { l: 60, r: 20, t: 110, b: 50 }, annotations: [] };
      ["share.CHN", "coop.open_share"].forEach(function (metric, i) {
        const band = (body.bands || {})[metric];
        if (!band) return;
        const s = i === 0 ? "" : "2";
        const on = { xaxis: "x" + s, yaxis: "y" + s };
        const x = band.years;
        data.push(Object.assign({ type: "scatter", mode: "lines", x: x, y: band.p95.map(pct), name: esc(legend.p95),
          line: { width: 0, color: "#1f5fbf" }, legendgroup: "band", showlegend: false,
          hovertemplate: "%{x} p95: %{y:.1f}<extra></extra>" }, on));
        data.push(Object.assign({ type: "scatter", mode: "lines", x: x, y: band.p5.map(pct), name: esc(legend.band),
          line: { width: 0, color: "#1f5fbf" }, fill: "tonexty", fillcolor: "rgba(31,95,191,0.20)",
          legendgroup: "band", showlegend: i === 0, hovertemplate: "%{x} p5: %{y:.1f}<extra></extra>" }, on));
        data.push(Object.assign({ type: "scatter", mode: "lines", x: x, y: band.median.map(pct), name: esc(legend.median),
          line: { width: 2, color: "#1f5fbf" }, legendgroup: "median", showlegend: i === 0,
          hovertemplate: "%{x}: %{y:.1f}<extra>" + esc(legend.median) + "</extra>" }, on));
        data.push(Object.assign({ type: "scatter", mode: "lines+markers", x: x, y: band.central.map(pct), name: esc(legend.central),
          line: { width: 1.5, color: "#4a4a4a", dash: "dot" }, marker: { size: 4 }, legendgroup: "central", showlegend: i === 0,
          hovertemplate: "%{x}: %{y:.1f}<extra>" + esc(legend.central) + "</extra>" }, on));
        const dom = i === 0 ? [0, 0.46] : [0.54, 1];
        more["xaxis" + s] = { domain: dom, anchor: "y" + s, dtick: 2, title: { text: esc(axes.year || "") } };
        more["yaxis" + s] = { domain: [0, 0.86], anchor: "x" + s, rangemode: "tozero" };
        if (metric === "coop.open_share") more["yaxis" + s].range = [0, 100];
        more.annotations.push({ text: "<b>" + esc(axes[metric] || metric) + "</b>", x: (dom[0] + dom[1]) / 2, y: 0.86,
          xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", yshift: 4, showarrow: false });
      });
      more.legend = { orientation: "h", x: 0, y: 1.0, yanchor: "bottom" };
      draw("bands", data, layout(body.scenario_title || body.title, more));
      const cap = document.getElementById("bands-caption");
      if (cap) cap.textContent = body.caption || "";
    });
  }

  const pages = {
    top500: { all: [top500Countries, top500History, top500Systems], on: { list: [top500Countries, top500Systems], country: [top500History] } },
    controls: { all: [controlsMatrix], on: { dest: [controlsMatrix], dates: [controlsMatrix] } },
    coop: { all: [coopPair], on: { a: [coopPair], b: [coopPair], date: [coopPair] } },
    report: { all: [reportFigures], on: { section: [reportFigures], a: [reportFigures], b: [reportFigures], date: [reportFigures] } },
    scenarios: {
      all: [scenarioRun, scenarioBands],
      on: { scenario: [scenarioRun, scenarioBands], a: [scenarioRun, scenarioBands], b: [scenarioRun, scenarioBands] },
    },
  };

  // A date typed as text (see templates/_date.html): YYYY-MM-DD, a real calendar day, within
  // data-min..data-max, or empty (the server's default).  ISO dates compare as strings.
  function dateOk(el) {
    if (!("isoDate" in el.dataset)) return true;
    const v = el.value.trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    let ok = v === "";
    if (m) {
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      ok = d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] &&
        (!el.dataset.min || v >= el.dataset.min) && (!el.dataset.max || v <= el.dataset.max);
    }
    el.value = v;
    el.setCustomValidity(ok ? "" : el.dataset.invalid || "YYYY-MM-DD");
    el.setAttribute("aria-invalid", ok ? "false" : "true");
    if (!ok) el.reportValidity();
    return ok;
  }

  function start() {
    const langSelect = document.getElementById("lang-select");
    if (langSelect) {
      langSelect.addEventListener("change", function () {
        const url = new URL(window.location.href);
        url.searchParams.set("lang", langSelect.value);
        window.location.assign(url.toString());
      });
    }
    const form = document.getElementById("controls");
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });
    const spec = pages[page];
    if (!spec) { main.dataset.state = "idle"; return; }
    Object.keys(spec.on).forEach(function (id) {
      const el = document.getElementById(id);
      if (el) el.addEventListener("change", function () {
        if (!dateOk(el)) return;  // a mistyped date is marked, not sent
        spec.on[id].forEach(function (f) { f(); });
      });
    });
    main.dataset.state = "loading";
    spec.all.forEach(function (f) { f(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
