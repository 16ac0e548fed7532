/* policy-graph views: exports that keep their context.
 *
 * window.PolicyGraphExports.save(view, "png" | "svg") saves what the tab shown draws —
 * the network, the map, the matrix, the rankings, or the table's first rows — under the
 * page's title, the active filters, what is counted, a legend, the sources and the
 * date. SVG where the drawing is ECharts' (map, matrix, rankings: drawn again by its SVG
 * renderer); the network is a canvas. fileName() names a file after the view and its
 * filters (the table's CSV too). Nothing here reads anything but the page.
 */
(function () {
  "use strict";

  const TEXTS = {
    ko: {
      filters: "필터",
      noFilters: "필터 없음",
      sources: "출처",
      made: "만든 날",
      shown: (n) => `정책 ${n.toLocaleString("ko")}건`,
      more: (n) => `외 ${n.toLocaleString("ko")}건`,
      legendColour: "색: 정책 수 (짙을수록 많음)",
      legendBars: "막대: 정책 수",
      tableRows: (shown, total) => `표의 처음 ${shown}줄 (전체 ${total.toLocaleString("ko")}줄은 CSV로)`,
      tab: { map: "지도", network: "네트워크", matrix: "행렬", charts: "순위", table: "표" },
    },
    en: {
      filters: "Filters",
      noFilters: "no filter",
      sources: "Sources",
      made: "Made",
      shown: (n) => `${n.toLocaleString("en")} ${n === 1 ? "policy" : "policies"}`,
      more: (n) => `and ${n.toLocaleString("en")} more`,
      legendColour: "Colour: policies (darker, more)",
      legendBars: "Bars: policies",
      tableRows: (shown, total) => `The table's first ${shown} rows (all ${total.toLocaleString("en")} in the CSV)`,
      tab: { map: "Map", network: "Network", matrix: "Matrix", charts: "Rankings", table: "Table" },
    },
  };
  const FONT = '"NanumGothic", "Noto Sans KR", sans-serif';
  const SVG_FONT = "NanumGothic, 'Noto Sans KR', sans-serif";
  const WIDTH = 1400; // px of an export
  const LINE = 22;
  const TABLE_ROWS = 40;
  const CHART_TABS = ["map", "matrix", "charts"];

  // --- what an export says beside its drawing ------------------------------------------

  /** Title, the filters, what is counted, the sources and the date, as lines of text. */
  function context(view) {
    const text = TEXTS[view.lang()] || TEXTS.en;
    const data = view.data;
    const filters = view.activeFilterLabels();
    const sources = data.covers.sources.map((s) => sourceName(view, s));
    const sourceLine = sources.slice(0, 3).join(", ") + (sources.length > 3 ? " " + text.more(sources.length - 3) : "");
    return {
      title: `${view.pick(data.page.title)} — ${text.tab[view.state.tab]}`,
      filters: `${text.filters}: ${filters.length ? filters.join(" · ") : text.noFilters}`,
      counted: text.shown(view.visiblePolicies().length),
      legend: legend(view, text),
      sources: `${text.sources}: ${sourceLine} · policy-graph`,
      date: `${text.made}: ${new Date().toISOString().slice(0, 10)}`,
    };
  }

  function sourceName(view, term) {
    const source = view.data.sources[String(term)];
    if (!source) return view.label(term);
    const who = view.pick(source.publisher) || view.pick(source.title);
    return source.date ? `${who} (${source.date})` : who;
  }

  /** [[colour or null, words]]: the kinds drawn on the network, or what colour means. */
  function legend(view, text) {
    const tab = view.state.tab;
    if (tab === "map" || tab === "matrix") return [["#4C78A8", text.legendColour]];
    if (tab === "charts") return [["#4C78A8", text.legendBars]];
    if (tab !== "network") return [];
    const hidden = new Set(view.state.hidden);
    return view.data.kinds.filter((kind) => !hidden.has(kind.kind)).map((kind) => [kind.colour, view.pick(kind.name)]);
  }

  // --- file names ------------------------------------------------------------------------

  function slug(value) {
    const tail = String(value).replace(/[/#]+$/, "").split(/[/#]/).pop();
    return tail.toLowerCase().replace(/[^a-z0-9가-힣]+/g, "-").replace(/^-|-$/g, "");
  }

  /** overview-policies-tech-chatbot-year-2021.csv: the page, what, then each filter. */
  function fileName(view, what, extension) {
    const parts = [view.data.page.name || "policy-graph", what];
    if (view.state.region) parts.push("region", view.state.region);
    for (const [facet, values] of Object.entries(view.state.filters)) {
      if (values.length) parts.push(facet, ...values.map(slug));
    }
    return parts.filter(Boolean).join("-").slice(0, 150) + "." + extension;
  }

  // --- the drawings -----------------------------------------------------------------------

  function charts(view) {
    const tab = view.state.tab;
    const map = window.PolicyGraphMap;
    if (tab === "map") return [map && map.chart ? map.chart() : null].filter((chart) => chart && !chart.isDisposed());
    if (tab !== "matrix" && tab !== "charts") return [];
    const all = window.PolicyGraphAnswers && window.PolicyGraphAnswers.charts ? window.PolicyGraphAnswers.charts() : {};
    const section = document.getElementById(`tab-${tab}`);
    return Object.entries(all)
      .filter(([id, chart]) => section.querySelector(`#${id}`) && !chart.isDisposed())
      .map(([, chart]) => chart);
  }

  /** Whether the tab shown can be saved so: SVG from ECharts' tabs, PNG from any but an
   *  empty network. */
  function can(view, kind) {
    const tab = view.state.tab;
    if (!view.visiblePolicies().length && tab !== "network") return false;
    if (kind === "svg") return CHART_TABS.includes(tab);
    return tab !== "network" || Boolean(view.network);
  }

  function loadImage(url) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = reject;
      image.src = url;
    });
  }

  /** The tab's drawing as images (one per chart), or null for the table. */
  function drawings(view) {
    if (view.state.tab === "network") {
      const canvas = document.querySelector("#network canvas");
      return Promise.resolve(canvas ? [canvas] : []);
    }
    if (view.state.tab === "table") return Promise.resolve(null);
    return Promise.all(charts(view).map((chart) => loadImage(chart.getDataURL({ type: "png", pixelRatio: 1, backgroundColor: "#ffffff" }))));
  }

  /** The first rows of the table as lines: title, government, technologies. */
  function tableLines(view) {
    const text = TEXTS[view.lang()] || TEXTS.en;
    const rows = Array.from(document.querySelectorAll("#answers-table tbody tr")).slice(0, TABLE_ROWS);
    const lines = rows.map((row) =>
      ["title", "government", "technologies"].map((key) => row.querySelector(`td[data-key="${key}"]`).textContent).join(" · ")
    );
    lines.unshift(text.tableRows(rows.length, view.visiblePolicies().length));
    return lines;
  }

  // --- PNG -------------------------------------------------------------------------------

  function headLines(said) {
    return [[said.title, "bold 22px"], [said.filters, "15px"], [said.counted, "15px"]];
  }

  function footLines(said) {
    return [[said.sources, "13px"], [said.date, "13px"]];
  }

  function png(view) {
    const said = context(view);
    return drawings(view).then((images) => {
      const lines = images === null ? tableLines(view) : [];
      const scale = (image) => Math.min(1, WIDTH / image.width);
      const drawn = (images || []).reduce((sum, image) => sum + image.height * scale(image) + 10, 0);
      const height = 20 + 3 * 30 + drawn + lines.length * LINE + LINE * (said.legend.length + 3) + 20;
      const canvas = document.createElement("canvas");
      canvas.width = WIDTH;
      canvas.height = Math.ceil(height);
      const context2d = canvas.getContext("2d");
      context2d.fillStyle = "#ffffff";
      context2d.fillRect(0, 0, canvas.width, canvas.height);
      context2d.fillStyle = "#1a202c";
      context2d.textBaseline = "top";
      let y = 20;
      for (const [words, font] of headLines(said)) {
        context2d.font = `${font} ${FONT}`;
        context2d.fillText(words, 20, y, WIDTH - 40);
        y += 30;
      }
      for (const image of images || []) {
        context2d.drawImage(image, 0, y, image.width * scale(image), image.height * scale(image));
        y += image.height * scale(image) + 10;
      }
      context2d.font = `14px ${FONT}`;
      context2d.fillStyle = "#1a202c";
      for (const line of lines) {
        context2d.fillText(line, 20, y, WIDTH - 40);
        y += LINE;
      }
      for (const [colour, words] of said.legend) {
        context2d.fillStyle = colour;
        context2d.fillRect(20, y + 3, 14, 14);
        context2d.fillStyle = "#1a202c";
        context2d.font = `14px ${FONT}`;
        context2d.fillText(words, 42, y);
        y += LINE;
      }
      y += 10;
      for (const [words, font] of footLines(said)) {
        context2d.font = `${font} ${FONT}`;
        context2d.fillStyle = "#4a5568";
        context2d.fillText(words, 20, y, WIDTH - 40);
        y += LINE;
      }
      return canvas.toDataURL("image/png");
    });
  }

  // --- SVG -------------------------------------------------------------------------------

  function escapeXml(value) {
    return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]);
  }

  /** Each chart drawn again by ECharts' SVG renderer, stacked under the same words. */
  function svg(view) {
    const said = context(view);
    const parts = [];
    let y = 20;
    const line = (words, size, weight, colour) => {
      parts.push(`<text x="20" y="${y + size}" font-size="${size}" font-weight="${weight}" fill="${colour}">${escapeXml(words)}</text>`);
      y += size + 10;
    };
    for (const [words, font] of headLines(said)) line(words, parseInt(font.replace("bold ", ""), 10), font.startsWith("bold") ? "bold" : "normal", "#1a202c");
    for (const chart of charts(view)) {
      const width = chart.getWidth();
      const height = chart.getHeight();
      const again = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
      again.setOption(chart.getOption());
      // Quoted font names would break the SVG's style attributes (ECharts writes them as
      // given): single quotes there.
      again.setOption({ textStyle: { fontFamily: SVG_FONT } });
      const drawn = again.renderToSVGString().replace(/^<\?xml[^>]*>/, "");
      again.dispose();
      parts.push(`<g transform="translate(0,${y})">${drawn}</g>`);
      y += height + 10;
    }
    for (const [colour, words] of said.legend) {
      parts.push(`<rect x="20" y="${y + 2}" width="14" height="14" fill="${escapeXml(colour)}"/>`);
      parts.push(`<text x="42" y="${y + 14}" font-size="14" fill="#1a202c">${escapeXml(words)}</text>`);
      y += LINE;
    }
    for (const [words] of footLines(said)) line(words, 13, "normal", "#4a5568");
    const width = Math.max(WIDTH, ...charts(view).map((chart) => chart.getWidth()));
    const body = parts.join("\n");
    const text = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="${SVG_FONT}">\n<rect width="100%" height="100%" fill="#ffffff"/>\n${body}\n</svg>\n`;
    return Promise.resolve("data:image/svg+xml;charset=utf-8," + encodeURIComponent(text));
  }

  function save(view, kind) {
    if (!can(view, kind)) return Promise.resolve(null);
    const made = kind === "svg" ? svg(view) : png(view);
    return made.then((url) => {
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName(view, view.state.tab, kind);
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      return link.download;
    });
  }

  window.PolicyGraphExports = { save, can, fileName, context };
})();
