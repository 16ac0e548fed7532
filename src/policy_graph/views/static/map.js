/* policy-graph views: the map of Korea (the first tab of a page of many governments).
 *
 * window.PolicyGraphMap.mount(view) is called by view.js when the page has governments
 * on the map (data.governments[t].map: the code of their region in the boundaries,
 * assets/korea-regions.js, made by `tasks.py boundaries`). The country's 시·도 are
 * shaded by the policies in view (view.visiblePolicies(): the filters of every tab) of
 * the governments in each, the 시·도 itself and its 시·군·구; a click on one shows its
 * 시·군·구 (view.state.region, in the URL), shaded by their own policies. A click on a
 * region shows its governments in the details panel, each with a link to its page.
 * Texts reach the page through textContent; ECharts' tooltips are escaped.
 */
(function () {
  "use strict";

  const TEXTS = {
    ko: {
      title: "정책이 있는 곳",
      titleRegion: (name) => `${name}: 시·군·구`,
      caption:
        "색이 짙을수록 그 지역 지방정부(시·도와 그 안의 시·군·구)의 정책이 많습니다 (필터 적용). " +
        "회색은 기록된 지방정부가 없는 곳. 지역을 누르면 그 안의 시·군·구와 지방정부가 나옵니다.",
      captionRegion:
        "색이 짙을수록 그 시·군·구의 정책이 많습니다 (필터 적용). 회색은 기록된 지방정부가 없는 곳. " +
        "지역을 누르면 그 지방정부가 나옵니다.",
      country: "전국 보기",
      own: (name, n) => `${name} 자체의 정책 ${n.toLocaleString("ko")}건은 지도 위 색에 들지 않고 여기에 셉니다.`,
      policies: (n) => `정책 ${n.toLocaleString("ko")}건`,
      inView: (n) => `지금 필터로 보이는 정책 ${n.toLocaleString("ko")}건`,
      none: "이 지역에는 기록된 지방정부가 없습니다.",
      governments: "지방정부",
      code: "코드",
      offMap: (n) => `지도에 없는 지방정부 ${n.toLocaleString("ko")}곳:`,
      open: "쪽 열기",
    },
    en: {
      title: "Where the policies are",
      titleRegion: (name) => `${name}: its cities, counties and districts`,
      caption:
        "The darker a region, the more policies its governments have (the province or city and " +
        "those inside it), under the filters. Grey: no government recorded. Click a region to " +
        "see what is inside it and its governments.",
      captionRegion:
        "The darker, the more policies of that city, county or district, under the filters. " +
        "Grey: no government recorded. Click one to see its government.",
      country: "Whole country",
      own: (name, n) =>
        `${name}'s own ${n.toLocaleString("en")} ${n === 1 ? "policy is" : "policies are"} not shaded on the map: counted here.`,
      policies: (n) => `${n.toLocaleString("en")} ${n === 1 ? "policy" : "policies"}`,
      inView: (n) => `${n.toLocaleString("en")} ${n === 1 ? "policy" : "policies"} in view under the filters`,
      none: "No government of this region is recorded.",
      governments: "Governments",
      code: "code",
      offMap: (n) => `${n.toLocaleString("en")} ${n === 1 ? "government is" : "governments are"} not on the map:`,
      open: "open its page",
    },
  };
  const FONT = '"NanumGothic", "Noto Sans KR", sans-serif';
  const COLOURS = ["#eaf1f8", "#4C78A8", "#1d3557"];
  const NO_DATA = "#e2e8f0";

  let korea = null; // {features: Map(code → feature), inside: Map(시·도 code → [features])}

  function readBoundaries() {
    if (korea || !window.PolicyGraphKorea) return korea;
    const features = new Map();
    const inside = new Map();
    for (const feature of window.PolicyGraphKorea.features) {
      const code = feature.properties.code;
      features.set(code, feature);
      if (feature.properties.level === "sigungu") {
        if (!inside.has(code.slice(0, 2))) inside.set(code.slice(0, 2), []);
        inside.get(code.slice(0, 2)).push(feature);
      }
    }
    korea = { features, inside };
    return korea;
  }

  function regionName(code) {
    const found = readBoundaries();
    const feature = found && found.features.get(code);
    return feature ? feature.properties.name : null;
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function mount(view) {
    const data = view.data;
    const section = document.getElementById("tab-map");
    const local = { chart: null, drawnFor: null, level: null, registered: new Set() };
    const t = () => TEXTS[view.lang()] || TEXTS.en;

    // The map's name in ECharts for a level: the country's 시·도, or one 시·도's 시·군·구.
    function mapName(region) {
      const name = region ? `pg-korea-${region}` : "pg-korea";
      if (!local.registered.has(name)) {
        const features = region
          ? korea.inside.get(region) || []
          : Array.from(korea.features.values()).filter((f) => f.properties.level === "sido");
        echarts.registerMap(name, { type: "FeatureCollection", features });
        local.registered.add(name);
      }
      return name;
    }

    // Policies in view per region of the level shown, and those of the 시·도 itself.
    function counts(region) {
      const perRegion = new Map();
      let own = 0;
      for (const i of view.visiblePolicies()) {
        const code = view.mapCodeOf.get(data.policies[i].g);
        if (!code) continue;
        if (region && code === region) own += 1;
        const key = region ? (code.length === 5 ? code : null) : code.slice(0, 2);
        if (key) perRegion.set(key, (perRegion.get(key) || 0) + 1);
      }
      return { perRegion, own };
    }

    // The governments drawn in a region (a 시·도 holds its 시·군·구's too).
    function governmentsIn(code) {
      const found = [];
      for (const [term, mapped] of view.mapCodeOf) {
        if (code.length === 2 ? mapped.startsWith(code) : mapped === code) found.push(term);
      }
      return found.sort((a, b) => view.mapCodeOf.get(a).localeCompare(view.mapCodeOf.get(b)) || a - b);
    }

    function draw() {
      if (view.state.tab !== "map" || section.clientWidth === 0) return;
      if (!window.echarts || !window.PolicyGraphKorea) {
        const load = window.PolicyGraphAnswers.loadScript;
        Promise.all([load("echarts.min.js"), load("korea-regions.js")]).then(draw);
        return;
      }
      readBoundaries();
      const key = JSON.stringify([
        view.lang(), view.state.region, view.state.mapzoom, section.clientWidth, view.visiblePolicies(),
      ]);
      if (key === local.drawnFor) return;
      local.drawnFor = key;
      render();
    }

    function render() {
      const text = t();
      const region = view.state.region && korea.features.has(view.state.region) ? view.state.region : null;
      const { perRegion, own } = counts(region);
      const head = el("div", { class: "answers-head" });
      const name = region ? korea.features.get(region).properties.name : "";
      head.append(el("h2", {}, region ? text.titleRegion(name) : text.title));
      head.append(el("p", { class: "answers-caption", id: "map-caption" }, region ? text.captionRegion : text.caption));
      if (region) {
        const back = el("button", { type: "button", id: "map-country" }, text.country);
        back.addEventListener("click", () => view.setState({ region: null, mapzoom: null }));
        head.append(back);
        if (own) head.append(el("p", { class: "answers-note", id: "map-own" }, text.own(name, own)));
      }
      const container = section.querySelector("#map-chart") || el("div", { id: "map-chart", class: "answers-chart" });
      container.style.height = `${Math.max(360, Math.min(760, section.clientHeight - 140))}px`;
      section.replaceChildren(head, container, offMap());
      if (!local.chart || local.chart.isDisposed()) {
        local.chart = echarts.init(container, null, { renderer: "canvas" });
        local.chart.on("click", (p) => onClick(p.name));
        local.chart.on("georoam", keepZoom);
        local.chart.on("finished", () => section.setAttribute("data-drawn", local.region || "country"));
      } else {
        local.chart.resize();
      }
      section.removeAttribute("data-drawn");
      local.region = region;
      local.chart.setOption(option(region, perRegion), { notMerge: true });
    }

    function option(region, perRegion) {
      const text = t();
      const values = Array.from(perRegion.values());
      const most = Math.max(1, ...values);
      const codes = new Set(Array.from(view.mapCodeOf.values()).map((c) => (region ? c : c.slice(0, 2))));
      const shown = region ? (korea.inside.get(region) || []).map((f) => f.properties.code) : Array.from(codes);
      const data = shown
        .filter((code) => (region ? codes.has(code) : true))
        .map((code) => ({ name: code, value: perRegion.get(code) || 0 }));
      const encode = echarts.format.encodeHTML;
      const nameOf = (code) => regionName(code) || code;
      return {
        textStyle: { fontFamily: FONT },
        animation: false,
        aria: { enabled: true, label: { description: `${region ? text.titleRegion(nameOf(region)) : text.title}.` } },
        tooltip: {
          trigger: "item",
          confine: true,
          formatter: (p) => `${encode(nameOf(p.name))}<br>${encode(Number.isFinite(p.value) ? text.policies(p.value) : text.none)}`,
        },
        visualMap: {
          min: 0, max: most, calculable: false, left: 10, bottom: 10, itemHeight: 120,
          text: [String(most), "0"], inRange: { color: COLOURS }, textStyle: { fontSize: 12 },
        },
        series: [{
          type: "map",
          map: mapName(region),
          ...(view.state.mapzoom ? { zoom: view.state.mapzoom[0], center: view.state.mapzoom.slice(1) } : {}),
          nameProperty: "code",
          roam: true,
          selectedMode: false,
          itemStyle: { areaColor: NO_DATA, borderColor: "#ffffff", borderWidth: 1 },
          emphasis: { itemStyle: { areaColor: "#f6ad55" }, label: { show: true } },
          label: { show: true, fontSize: 12, color: "#1a202c", formatter: (p) => nameOf(p.name) },
          labelLayout: { hideOverlap: true },
          data,
        }],
      };
    }

    // The map's zoom and centre go into the URL as the viewer moves it.
    function keepZoom() {
      const series = local.chart.getOption().series[0];
      if (!series.center) return;
      const [longitude, latitude] = series.center.map((n) => Number(Number(n).toFixed(3)));
      view.keep({ mapzoom: [Number(Number(series.zoom).toFixed(3)), longitude, latitude] });
    }

    function onClick(code) {
      if (!korea.features.has(code)) return;
      if (code.length === 2 && view.state.region !== code) view.setState({ region: code, mapzoom: null });
      showRegion(code);
    }

    // The details of a region: its governments, each with its policies in view and a
    // link to its page.
    function showRegion(code) {
      const text = t();
      const inView = counts(code.length === 2 ? null : code.slice(0, 2)).perRegion.get(code) || 0;
      const governments = governmentsIn(code);
      const nodes = [el("p", { class: "sub", id: "region-count" }, text.inView(inView))];
      if (!governments.length) nodes.push(el("p", { class: "hint" }, text.none));
      else nodes.push(el("h4", {}, text.governments), el("ul", { id: "region-governments" }, ...governments.map(governmentItem)));
      view.showContent(regionName(code) || code, nodes);
    }

    function governmentItem(term) {
      const text = t();
      const facts = view.governmentFacts[String(term)] || {};
      const mine = view.visiblePolicies().filter((i) => data.policies[i].g === term).length;
      const item = el("li", { "data-iri": data.terms[term].id });
      const page = data.pages[String(term)];
      const name = view.label(term);
      item.append(page ? el("a", { href: pageLink(page), class: "government-page", title: text.open }, name) : name);
      const said = [facts.kind ? view.pick(facts.kind) : null, facts.code ? `${text.code} ${facts.code}` : null, text.policies(mine)];
      item.append(el("span", { class: "sub" }, ` (${said.filter(Boolean).join(", ")})`));
      return item;
    }

    function pageLink(page) {
      return view.lang() !== data.lang ? `${page}#lang=${view.lang()}` : page;
    }

    // Governments with no region on the map (no code, or one the boundaries lack).
    function offMap() {
      const text = t();
      const off = Object.keys(view.governmentFacts)
        .map(Number)
        .filter((term) => data.terms[term].k === "government" && !view.mapCodeOf.has(term));
      if (!off.length) return "";
      const list = el("p", { class: "answers-note", id: "map-off" }, text.offMap(off.length), " ");
      off.forEach((term, n) => {
        const page = data.pages[String(term)];
        if (n) list.append(", ");
        list.append(page ? el("a", { href: pageLink(page) }, view.label(term)) : view.label(term));
      });
      return list;
    }

    view.onChange(draw);
    new ResizeObserver(() => requestAnimationFrame(draw)).observe(section);
    draw();

    // For tests and exports: where a region is drawn, its colour, the chart itself.
    window.PolicyGraphMap.chart = () => local.chart;
    window.PolicyGraphMap.pixelOf = (code) => {
      const feature = korea && korea.features.get(code);
      if (!feature || !local.chart) return null;
      const [x, y] = local.chart.convertToPixel({ seriesIndex: 0 }, feature.properties.cp);
      const box = local.chart.getDom().getBoundingClientRect();
      return [box.left + x, box.top + y];
    };
    window.PolicyGraphMap.colourOf = (code) => {
      const series = local.chart.getModel().getSeriesByIndex(0).getData();
      const index = series.indexOfName(code);
      return index < 0 ? null : series.getItemVisual(index, "style").fill;
    };
  }

  window.PolicyGraphMap = { mount, regionName };
})();
