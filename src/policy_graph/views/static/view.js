/* The view page: filters, legend, network (vis-network), focus, details, search, URL state.
   Reads the page data from <script id="page-data"> (see docs: the page data contract) and
   exposes window.policyGraphView for answers.js (matrix, charts, table) and for tests.
   Plain DOM: every text from the data goes in through textContent, never as HTML. */
"use strict";
(function () {
  // ---------------------------------------------------------------------------------------
  // UI texts, one table per language (texts.js). {name}-style holes are filled by fill().
  const TEXTS = window.PolicyGraphTexts;

  const FACETS = ["g", "d", "tech", "tg", "pt", "dom", "year"];
  // Facets whose values are concepts: choosing one includes its narrower ones.
  const CONCEPT_FACETS = ["tech", "tg", "dom"];
  // Facets of a policy's lists (any value may match), and those where "none" (the field
  // is empty: no department, no partner, no target group) is a value to choose.
  const LIST_FACETS = ["tech", "tg", "pt", "dom"];
  const NONE = "none";
  const NONE_FACETS = ["d", "tg", "pt"];
  const ALL_TABS = ["map", "network", "matrix", "charts", "table"];
  const FONT = '"NanumGothic", "Noto Sans KR", "Malgun Gothic", sans-serif';
  const SHOWN_NAMES = 3;
  const LEGIBLE_PX = 11; // the smallest text drawn on the network // names listed in the "covers" line before "and N more"
  const FOCUS_BORDER = "#1a202c";
  const DIMMED = "rgba(203, 213, 224, 0.45)";
  const DRAWN_ROWS = 30; // rows drawn at most on an aggregate page (or graph.drawRows)
  const ROW_GAP = 44;
  const COLUMN_GAP = 700;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------
  // Page data and its indexes
  const data = inflate(JSON.parse($("page-data").textContent));
  const terms = data.terms;
  const aggregate = data.page.mode === "aggregate";
  const drawRows = (data.graph && data.graph.drawRows) || DRAWN_ROWS;
  const indexOfIri = new Map(terms.map((term, i) => [term.id, i]));
  const kindInfo = new Map(data.kinds.map((kind) => [kind.kind, kind]));
  const hubs = new Set(data.hubs);
  const upward = new Set(data.upward);
  const policyOfTerm = new Map(data.policies.map((policy, i) => [policy.t, i]));
  // Where each government is on the map (its region's code), from the page's facts.
  const governmentFacts = data.governments || {};
  const mapCodeOf = new Map(
    Object.entries(governmentFacts)
      .filter(([, facts]) => facts.map)
      .map(([t, facts]) => [Number(t), facts.map])
  );
  // The map tab is there on pages of many governments some of which are on the map.
  const TABS = ALL_TABS.filter((tab) => tab !== "map" || (aggregate && mapCodeOf.size > 0));
  const defaultTab = TABS.includes(data.page.tab) ? data.page.tab : "network";

  const broaderOf = groupPairs(data.broader, 0, 1);
  const narrowerOf = groupPairs(data.broader, 1, 0);

  // A page carries only what each policy and term has (a national page carries tens of
  // thousands): fill in the rest, null or an empty list, before anything reads them.
  function inflate(page) {
    for (const policy of page.policies) {
      for (const key of ["g", "d", "year", "end", "timeline", "budget", "won", "desc", "quote"]) {
        if (policy[key] === undefined) policy[key] = null;
      }
      for (const key of ["tech", "tg", "pt", "dom", "prog", "src"]) {
        if (policy[key] === undefined) policy[key] = [];
      }
    }
    for (const term of page.terms) {
      if (page.base && !term.id.includes(":")) term.id = page.base + term.id;
      if (term.g === undefined) term.g = null;
      if (term.nko === undefined) term.nko = term.ko;
      if (term.nen === undefined) term.nen = term.en;
    }
    if (page.pages === undefined) page.pages = {};
    return page;
  }

  // The rows a policy counts under on an aggregate page: its government, or (rows of
  // departments) its department, or its government where it names none.
  function rowsOf(policy) {
    if (data.graph.rowsBy === "government") return [policy.g];
    return [policy.d !== null ? policy.d : policy.g];
  }

  function groupPairs(pairs, keyAt, valueAt) {
    const grouped = new Map();
    for (const pair of pairs) {
      if (!grouped.has(pair[keyAt])) grouped.set(pair[keyAt], []);
      grouped.get(pair[keyAt]).push(pair[valueAt]);
    }
    return grouped;
  }

  // A concept and every broader one, worked out once per concept: an aggregate page asks
  // it for each of tens of thousands of policies on every change.
  const broaderClosures = new Map();
  function broaderClosure(concept) {
    if (!broaderClosures.has(concept)) broaderClosures.set(concept, Array.from(closure([concept], broaderOf)));
    return broaderClosures.get(concept);
  }

  // Everything reachable from the starts through step (starts included); cycles are harmless.
  function closure(starts, step) {
    const seen = new Set(starts);
    const queue = Array.from(seen);
    while (queue.length) {
      for (const next of step.get(queue.pop()) || []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  }

  // The nodes drawn in network mode and who is next to whom (undirected, for focus and dim).
  const graphNodes = aggregate ? [] : data.graph.nodes || [];
  const graphEdges = aggregate ? [] : data.graph.edges || [];
  const neighbours = new Map(graphNodes.map((node) => [node.t, []]));
  const upwardFrom = new Map();
  for (const [from, to, relation] of graphEdges) {
    if (!neighbours.has(from) || !neighbours.has(to)) continue;
    neighbours.get(from).push(to);
    neighbours.get(to).push(from);
    if (upward.has(relation)) {
      if (!upwardFrom.has(from)) upwardFrom.set(from, []);
      upwardFrom.get(from).push(to);
    }
  }
  const drawnTerms = aggregate
    ? uniqueSorted((data.graph.rows || []).concat(data.graph.columns || []))
    : graphNodes.map((node) => node.t);
  const pageIsEmpty = drawnTerms.length === 0;

  function uniqueSorted(values) {
    return Array.from(new Set(values)).sort((a, b) => a - b);
  }

  // Values each facet offers: only those present on the page, with how many policies each
  // would keep (a broader concept counts the policies of its narrower ones too).
  const facetValues = collectFacetValues();

  function collectFacetValues() {
    const counts = Object.fromEntries(FACETS.map((facet) => [facet, new Map()]));
    const bump = (facet, value) => counts[facet].set(value, (counts[facet].get(value) || 0) + 1);
    for (const policy of data.policies) {
      if (policy.g !== null) bump("g", policy.g);
      bump("d", policy.d !== null ? policy.d : NONE);
      if (policy.year !== null) bump("year", policy.year);
      for (const value of policy.pt) bump("pt", value);
      if (!policy.pt.length) bump("pt", NONE);
      if (!policy.tg.length) bump("tg", NONE);
      for (const facet of CONCEPT_FACETS) {
        const reached = new Set();
        for (const value of policy[facet]) for (const up of broaderClosure(value)) reached.add(up);
        for (const value of reached) bump(facet, value);
      }
    }
    return counts;
  }

  // ---------------------------------------------------------------------------------------
  // State: what the URL holds. The default focus and depth come from the page.
  const defaultFocus = data.page.focus ? terms[data.page.focus.node].id : null;
  const defaultDepth = data.page.focus ? data.page.focus.depth : 2;
  let state = readHash();
  const callbacks = [];
  let current = null; // what refresh() last computed: visible nodes, edges, policies
  let network = null;
  let nodeSet = null;
  let edgeSet = null;
  let layout = pageIsEmpty ? "none" : "settling";
  let progress = ""; // "30/50" while the first layout is computed
  let panelContent = null; // {kind: "policies", title, indexes} when showPolicies() filled it
  let searchQuery = "";
  let notice = null; // a passing message (link copied…), cleared by the next change
  let optionsLang = null;

  function emptyFilters() {
    return Object.fromEntries(FACETS.map((facet) => [facet, []]));
  }

  function defaultState() {
    return {
      filters: emptyFilters(),
      focus: defaultFocus,
      depth: defaultDepth,
      selected: null,
      hidden: [],
      lang: data.lang === "en" ? "en" : "ko",
      tab: defaultTab,
      region: null, // a 시·도 code: the map shows its 시·군·구, and the policies are its
      sort: null, // the table's sort: a column key, "-" in front for descending
      cell: null, // the matrix cell chosen: [row IRI, column IRI]
      zoom: null, // the network's view: [scale, x, y]
      mapzoom: null, // the map's view: [zoom, longitude, latitude]
    };
  }

  // Reads location.hash (URLSearchParams format); values not on this page are dropped.
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const read = defaultState();
    const list = (key) => (params.get(key) || "").split(",").filter(Boolean);
    for (const facet of FACETS) {
      if (facet === "year") {
        read.filters.year = list("year").map(Number).filter((year) => facetValues.year.has(year));
      } else {
        read.filters[facet] = list(facet).filter((iri) => facetValues[facet].has(iri === NONE ? NONE : indexOfIri.get(iri)));
      }
    }
    if (/^\d{2}$/.test(params.get("region") || "")) read.region = params.get("region");
    if (/^-?[a-zA-Z]+$/.test(params.get("sort") || "")) read.sort = params.get("sort");
    const cell = list("cell");
    if (cell.length === 2 && cell.every((iri) => indexOfIri.has(iri))) read.cell = cell;
    const zoom = list("zoom").map(Number);
    if (zoom.length === 3 && zoom.every(Number.isFinite) && zoom[0] > 0) read.zoom = zoom;
    const mapzoom = list("mapzoom").map(Number);
    if (mapzoom.length === 3 && mapzoom.every(Number.isFinite) && mapzoom[0] > 0) read.mapzoom = mapzoom;
    if (params.has("focus")) read.focus = indexOfIri.has(params.get("focus")) ? params.get("focus") : null;
    if (params.has("depth")) read.depth = clampDepth(params.get("depth"));
    if (indexOfIri.has(params.get("sel"))) read.selected = params.get("sel");
    read.hidden = list("hide").filter((kind) => kindInfo.has(kind));
    if (params.get("lang") === "ko" || params.get("lang") === "en") read.lang = params.get("lang");
    if (TABS.includes(params.get("tab"))) read.tab = params.get("tab");
    return read;
  }

  function clampDepth(value) {
    const depth = parseInt(value, 10);
    return Number.isFinite(depth) ? Math.min(4, Math.max(1, depth)) : defaultDepth;
  }

  // Writes the state into the hash, leaving out what equals the page's default.
  function writeHash() {
    const parts = [];
    const put = (key, values) => parts.push(key + "=" + values.map((v) => encodeURIComponent(String(v))).join(","));
    for (const facet of FACETS) if (state.filters[facet].length) put(facet, state.filters[facet]);
    if (state.focus !== defaultFocus) put("focus", state.focus === null ? [] : [state.focus]);
    if (state.depth !== defaultDepth) put("depth", [state.depth]);
    if (state.selected) put("sel", [state.selected]);
    if (state.hidden.length) put("hide", state.hidden);
    if (state.lang !== (data.lang === "en" ? "en" : "ko")) put("lang", [state.lang]);
    if (state.tab !== defaultTab) put("tab", [state.tab]);
    if (state.region) put("region", [state.region]);
    if (state.sort) put("sort", [state.sort]);
    if (state.cell) put("cell", state.cell);
    if (state.zoom) put("zoom", state.zoom);
    if (state.mapzoom) put("mapzoom", state.mapzoom);
    const hash = parts.join("&");
    if (location.hash.replace(/^#/, "") !== hash) {
      history.replaceState(null, "", location.href.split("#")[0] + (hash ? "#" + hash : ""));
    }
  }

  // Applies a partial state (filters may be partial too), redraws, updates the URL.
  function setState(partial, options) {
    const next = Object.assign({}, state, partial);
    next.filters = Object.assign(emptyFilters(), state.filters, partial.filters || {});
    next.depth = clampDepth(next.depth);
    state = next;
    changed(options || {});
  }

  function changed(options) {
    if (!options.keepNotice) notice = null;
    refresh(options);
    writeHash();
    for (const callback of callbacks) callback(view);
  }

  // ---------------------------------------------------------------------------------------
  // Labels and texts in the current language
  function lang() {
    return state.lang;
  }

  function text(key) {
    return TEXTS[state.lang][key] !== undefined ? TEXTS[state.lang][key] : key;
  }

  // A text with its {holes} filled; numbers are written the language's way, and a text
  // given as [one, many] is chosen by values.count (English plurals).
  function fill(key, values) {
    let template = text(key);
    if (Array.isArray(template)) template = template[values.count === 1 ? 0 : 1];
    return template.replace(/\{(\w+)\}/g, (hole, name) => {
      if (!(name in values)) return hole;
      return typeof values[name] === "number" ? formatCount(values[name]) : String(values[name]);
    });
  }

  function label(i) {
    const term = terms[i];
    return term ? term[state.lang] || term.ko : "";
  }

  function pick(texts) {
    return texts ? texts[state.lang] || texts.ko || "" : "";
  }

  function kindName(kind) {
    const info = kindInfo.get(kind);
    return info ? pick(info.name) : kind;
  }

  // One collator per language: localeCompare(…, lang) makes a new one on every call.
  const collators = {};
  function collator() {
    if (!collators[state.lang]) collators[state.lang] = new Intl.Collator(state.lang);
    return collators[state.lang];
  }

  // One formatter per language: toLocaleString makes a new one on every call, which on a
  // page of thousands of facet values costs a sixth of a second.
  const numberFormats = {};
  function formatCount(n) {
    const locale = state.lang === "ko" ? "ko-KR" : "en-GB";
    if (!numberFormats[locale]) numberFormats[locale] = new Intl.NumberFormat(locale);
    return numberFormats[locale].format(n);
  }

  // ---------------------------------------------------------------------------------------
  // What is visible: filters → passing policies → nodes (network or aggregate) → kinds → focus

  function hasFilters() {
    return FACETS.some((facet) => state.filters[facet].length > 0) || Boolean(state.region);
  }

  // The active filters in words ("Technology: Chatbot"), for exports.
  function activeFilterLabels() {
    const said = FACETS.flatMap((facet) => state.filters[facet].map((stored) => text("facet_" + facet) + ": " + chosenLabel(facet, stored)));
    if (state.region) said.unshift(text("facet_region") + ": " + regionName(state.region));
    return said;
  }

  function activeFilterCount() {
    return FACETS.reduce((sum, facet) => sum + state.filters[facet].length, 0) + (state.region ? 1 : 0);
  }

  // The chosen values of a facet as term indexes (or years), concepts with their narrower ones.
  function chosenSet(facet) {
    const chosen = state.filters[facet];
    if (facet === "year") return new Set(chosen);
    const set = new Set();
    for (const iri of chosen) {
      if (iri === NONE) continue; // "is empty": tested apart (see passingPolicies)
      const i = indexOfIri.get(iri);
      if (i === undefined) continue;
      if (CONCEPT_FACETS.includes(facet)) for (const down of closure([i], narrowerOf)) set.add(down);
      else set.add(i);
    }
    return set;
  }

  function passingPolicies() {
    const tests = [];
    for (const facet of FACETS) {
      if (!state.filters[facet].length) continue;
      const set = chosenSet(facet);
      const empty = state.filters[facet].includes(NONE);
      if (LIST_FACETS.includes(facet)) tests.push((p) => (empty && !p[facet].length) || p[facet].some((v) => set.has(v)));
      else tests.push((p) => (empty && p[facet] === null) || set.has(p[facet]));
    }
    if (state.region) tests.push((p) => (mapCodeOf.get(p.g) || "").startsWith(state.region));
    const passing = [];
    data.policies.forEach((policy, i) => {
      if (tests.every((test) => test(policy))) passing.push(i);
    });
    return passing;
  }

  // Network mode: passing policies, what they touch, and upward from there (unit → government…).
  function filteredNetworkNodes(passing) {
    if (!hasFilters()) return new Set(drawnTerms);
    const passingTerms = new Set(passing.map((i) => data.policies[i].t));
    const visible = new Set();
    for (const t of passingTerms) {
      if (!neighbours.has(t)) continue;
      visible.add(t);
      for (const next of neighbours.get(t)) {
        // A policy that fails the filters stays hidden even when it touches one that passes.
        if (terms[next].k !== "policy" || passingTerms.has(next)) visible.add(next);
      }
    }
    const starts = Array.from(visible).filter((t) => terms[t].k !== "policy");
    for (const up of closure(starts, upwardFrom)) visible.add(up);
    return visible;
  }

  // Aggregate mode: weight(row, column) = passing policies of the row using the column
  // (or a narrower technology of it). Nodes are the rows and columns with some weight.
  function aggregateGraph(passing) {
    const rows = new Set(data.graph.rows || []);
    const columns = new Set(data.graph.columns || []);
    const weights = new Map();
    const totals = new Map();
    for (const i of passing) {
      const policy = data.policies[i];
      const policyRows = rowsOf(policy).filter((r) => r !== null && rows.has(r));
      const policyColumns = new Set();
      for (const tech of policy.tech) for (const up of broaderClosure(tech)) if (columns.has(up)) policyColumns.add(up);
      if (!policyRows.length || !policyColumns.size) continue;
      for (const t of policyRows.concat(Array.from(policyColumns))) totals.set(t, (totals.get(t) || 0) + 1);
      for (const row of policyRows) {
        for (const column of policyColumns) {
          const key = row + "|" + column;
          weights.set(key, (weights.get(key) || 0) + 1);
        }
      }
    }
    // Only the rows with most policies under the filters are drawn (a filter brings any
    // other in); the matrix, charts and table count them all.
    const ranked = Array.from(totals.keys())
      .filter((t) => rows.has(t))
      .sort((a, b) => totals.get(b) - totals.get(a) || a - b);
    const drawnRows = new Set(ranked.slice(0, drawRows));
    for (const t of ranked.slice(drawRows)) totals.delete(t);
    const edges = [];
    for (const [key, weight] of weights) {
      const [row, column] = key.split("|").map(Number);
      if (drawnRows.has(row)) edges.push({ id: "w|" + key, from: row, to: column, weight: weight });
    }
    for (const [narrower, broader] of data.broader) {
      if (totals.has(narrower) && totals.has(broader) && columns.has(narrower) && columns.has(broader)) {
        edges.push({ id: "b|" + narrower + "|" + broader, from: narrower, to: broader, relation: "broader" });
      }
    }
    return {
      nodes: new Set(totals.keys()),
      edges: edges,
      totals: totals,
      rowsLeftOut: ranked.length - drawnRows.size,
      order: ranked.slice(0, drawRows),
    };
  }

  // An aggregate page is a two-column picture, the same at every load: technologies on
  // the left in their hierarchy's order (broader first, narrower below it), the rows on
  // the right by number of policies. Dense lines among few nodes never untangle in a
  // force layout (every government uses most technologies): columns keep them readable.
  function aggregatePositions(built) {
    const at = new Map();
    const columnOrder = hierarchyOrder(Array.from(built.nodes).filter((t) => !built.order.includes(t)));
    const height = Math.max(built.order.length, columnOrder.length, 2) * ROW_GAP;
    const place = (list, x) =>
      list.forEach((t, i) => at.set(t, { x: x, y: list.length > 1 ? (i * height) / (list.length - 1) : height / 2 }));
    place(columnOrder, 0);
    place(built.order, COLUMN_GAP);
    return at;
  }

  function hierarchyOrder(columns) {
    const present = new Set(columns);
    const ordered = [];
    const visit = (t) => {
      ordered.push(t);
      const children = (narrowerOf.get(t) || []).filter((c) => present.has(c) && !ordered.includes(c));
      children.sort((a, b) => label(a).localeCompare(label(b))).forEach(visit);
    };
    const roots = columns.filter((t) => !(broaderOf.get(t) || []).some((b) => present.has(b)));
    roots.sort((a, b) => label(a).localeCompare(label(b))).forEach(visit);
    return ordered;
  }

  // Nodes within depth steps of start over allowed nodes; a hub other than start is reached
  // but not walked through (else one government would pull in everything).
  function focusWalk(start, allowed, next, depth) {
    const seen = new Set([start]);
    let frontier = [start];
    for (let step = 0; step < depth; step++) {
      const reached = [];
      for (const t of frontier) {
        if (t !== start && hubs.has(t)) continue;
        for (const other of next(t)) {
          if (allowed.has(other) && !seen.has(other)) {
            seen.add(other);
            reached.push(other);
          }
        }
      }
      frontier = reached;
    }
    return seen;
  }

  function edgeNeighbours(edges) {
    const around = new Map();
    const link = (a, b) => {
      if (!around.has(a)) around.set(a, []);
      around.get(a).push(b);
    };
    for (const edge of edges) {
      link(edge.from, edge.to);
      link(edge.to, edge.from);
    }
    return around;
  }

  function computeView() {
    const passing = passingPolicies();
    let nodes;
    let edges;
    let totals = null;
    let rowsLeftOut = 0;
    let positions = null;
    if (aggregate) {
      const built = aggregateGraph(passing);
      nodes = built.nodes;
      edges = built.edges;
      totals = built.totals;
      rowsLeftOut = built.rowsLeftOut;
      positions = aggregatePositions(built);
    } else {
      nodes = filteredNetworkNodes(passing);
      edges = graphEdges.map(([from, to, relation], i) => ({ id: "e" + i, from: from, to: to, relation: relation }));
    }
    const hiddenKinds = new Set(state.hidden);
    for (const t of Array.from(nodes)) if (hiddenKinds.has(terms[t].k)) nodes.delete(t);
    const focus = state.focus === null ? undefined : indexOfIri.get(state.focus);
    const focusDrawn = focus !== undefined && drawnTerms.includes(focus);
    // The focused node stays drawn (marked) even when the filters or legend hide it.
    const focusFiltered = focusDrawn && !nodes.has(focus);
    if (focusDrawn) {
      const around = aggregate ? edgeNeighbours(edges.filter((e) => nodes.has(e.from) && nodes.has(e.to))) : neighbours;
      nodes = focusWalk(focus, nodes, (t) => around.get(t) || [], state.depth);
    }
    edges = edges.filter((edge) => nodes.has(edge.from) && nodes.has(edge.to));
    const policies = passing.filter((i) => policyInView(data.policies[i], nodes, focusDrawn));
    return {
      policySet: new Set(policies),
      mostTotal: totals ? Math.max(1, ...totals.values()) : 1,
      passing: passing,
      nodes: nodes,
      edges: edges,
      totals: totals,
      policies: policies,
      focus: focusDrawn ? focus : null,
      focusFiltered: focusFiltered,
      around: edgeNeighbours(edges),
      rowsLeftOut: rowsLeftOut,
      positions: positions,
    };
  }

  // With a focus, a policy counts when the focus reaches it (or, on aggregate pages,
  // its row and one of its columns).
  function policyInView(policy, nodes, focused) {
    if (!focused) return true;
    if (!aggregate) return nodes.has(policy.t);
    const rowIn = rowsOf(policy).some((r) => r !== null && nodes.has(r));
    return rowIn && policy.tech.some((tech) => broaderClosure(tech).some((up) => nodes.has(up)));
  }

  // ---------------------------------------------------------------------------------------
  // The network: built once; filters, focus, selection and language only update DataSets.

  // vis-network is on the page already where it opens on the network; elsewhere it is
  // read when the network tab is first shown (the page script waits for it).
  let networkLoading = false;
  function loadNetwork() {
    networkLoading = true;
    view.settled = false;
    const ready = window.vis ? Promise.resolve() : window.PolicyGraphAnswers.loadScript("vis-network.min.js");
    ready.then(() => {
      buildNetwork();
      applyToNetwork();
      renderToolbar();
    });
  }

  function buildNetwork() {
    const count = drawnTerms.length;
    const big = count > 1000;
    // Filled before the network exists, so the first layout already has the right nodes hidden.
    nodeSet = new vis.DataSet([]);
    edgeSet = new vis.DataSet([]);
    updateDataSets();
    if (count > 200) nodeSet.update(seedPositions());
    // Many lines among few nodes (governments × technologies): vis-network's improved
    // layout (Kamada-Kawai) and a long stabilisation cost seconds there, and a short
    // force layout draws the same picture.
    const dense = edgeSet.length > 3 * Math.max(count, 1);
    const options = {
      autoResize: true,
      height: "100%",
      width: "100%",
      layout: { improvedLayout: count <= 200 && !dense, randomSeed: 7 },
      nodes: {
        borderWidth: 1,
        font: { face: FONT, size: 14, color: "#1a202c", strokeWidth: 3, strokeColor: "#ffffff" },
        // Labels smaller than 11 px on the screen are not drawn (vis-network draws them
        // from drawThreshold - 1): zoom in to read them.
        scaling: { label: { drawThreshold: LEGIBLE_PX + 1 } },
      },
      edges: {
        width: 1,
        color: { color: "#a0aec0", highlight: "#2b6cb0", hover: "#4a5568" },
        smooth: count > 200 ? false : { type: "continuous" },
        arrows: aggregate ? {} : { to: { enabled: true, scaleFactor: 0.45 } },
        font: { face: FONT, size: 12, align: "middle", strokeWidth: 3, strokeColor: "#ffffff" },
        scaling: { label: { drawThreshold: LEGIBLE_PX + 1 } },
      },
      physics: big
        ? {
            // Past 1000 nodes each step costs: one force pass per step (no adaptive
            // timestep), a coarser Barnes-Hut tree, few steps; the user can restart it.
            solver: "barnesHut",
            barnesHut: { gravitationalConstant: -3000, springLength: 90, damping: 0.4, theta: 1 },
            adaptiveTimestep: false,
            timestep: 0.6,
            stabilization: { iterations: count > 3000 ? 30 : 50, updateInterval: 5 },
          }
        : {
            solver: "forceAtlas2Based",
            forceAtlas2Based: { gravitationalConstant: -70, springLength: 90, avoidOverlap: 0.2 },
            stabilization: { iterations: dense ? 75 : count > 200 ? 150 : 300, updateInterval: 25 },
          },
      interaction: {
        hover: true,
        tooltipDelay: 150,
        hideEdgesOnDrag: count > 200,
        hideEdgesOnZoom: big,
        multiselect: false,
      },
    };
    if (aggregate) options.physics = { enabled: false };
    network = new vis.Network($("network"), { nodes: nodeSet, edges: edgeSet }, options);
    if (aggregate) {
      // Placed, not laid out: drawn and still at once.
      network.once("afterDrawing", settle);
      network.redraw();
    }
    network.on("stabilizationProgress", (event) => {
      progress = event.iterations + "/" + event.total;
      renderStatus();
    });
    network.once("stabilizationIterationsDone", settle);
    network.on("stabilized", () => {
      if (layout === "running") stopLayout();
    });
    network.on("click", onNetworkClick);
    network.on("hoverNode", (event) => showPreview(event.node, event.pointer.DOM));
    network.on("blurNode", hidePreview);
    network.on("dragStart", hidePreview);
    network.on("zoom", () => {
      hidePreview();
      keepZoom();
    });
    network.on("dragEnd", keepZoom);
  }

  // Past 200 nodes vis-network starts from random points and the few steps it can afford
  // do not untangle them; start each government's nodes together instead (governments
  // spread like sunflower seeds), and other nodes at the middle of what they touch.
  function seedPositions() {
    const random = seededRandom(7);
    const home = (t) => (terms[t].k === "government" ? t : terms[t].g);
    const members = new Map();
    for (const t of drawnTerms) {
      const g = home(t);
      if (g === null || g === undefined) continue;
      if (!members.has(g)) members.set(g, []);
      members.get(g).push(t);
    }
    const governments = Array.from(members.keys()).sort((a, b) => members.get(b).length - members.get(a).length);
    const spread = 22 * Math.sqrt(drawnTerms.length);
    const at = new Map();
    governments.forEach((g, i) => {
      const radius = spread * Math.sqrt((i + 0.5) / governments.length);
      const centre = { x: radius * Math.cos(i * 2.39996), y: radius * Math.sin(i * 2.39996) };
      const cluster = 12 * Math.sqrt(members.get(g).length);
      for (const t of members.get(g)) at.set(t, { x: centre.x + (random() - 0.5) * cluster, y: centre.y + (random() - 0.5) * cluster });
    });
    for (const t of drawnTerms) {
      if (at.has(t)) continue;
      const placed = (neighbours.get(t) || []).filter((other) => at.has(other)).map((other) => at.get(other));
      const x = placed.reduce((sum, p) => sum + p.x, 0) / (placed.length || 1);
      const y = placed.reduce((sum, p) => sum + p.y, 0) / (placed.length || 1);
      at.set(t, { x: x + (random() - 0.5) * 40, y: y + (random() - 0.5) * 40 });
    }
    return Array.from(at, ([t, p]) => ({ id: terms[t].id, x: p.x, y: p.y }));
  }

  // The viewer's zoom and position go into the URL (a shared link opens on them).
  function keepZoom() {
    if (layout !== "still") return;
    const at = network.getViewPosition();
    state.zoom = [Number(network.getScale().toFixed(3)), Math.round(at.x), Math.round(at.y)];
    writeHash();
  }

  // A small deterministic generator, so a URL reopens on the same picture.
  function seededRandom(seed) {
    let value = seed;
    return () => {
      value = (value * 1103515245 + 12345) % 2147483648;
      return value / 2147483648;
    };
  }

  function settle() {
    network.setOptions({ physics: { enabled: false } });
    layout = "still";
    const zoom = state.zoom; // a shared link's view, else everything visible
    if (zoom) network.moveTo({ scale: zoom[0], position: { x: zoom[1], y: zoom[2] } });
    else fitVisible(false);
    view.settled = true;
    renderStatus();
    renderToolbar();
  }

  function stopLayout() {
    network.setOptions({ physics: { enabled: false } });
    layout = "still";
    view.settled = true;
    renderStatus();
    renderToolbar();
  }

  function restartLayout() {
    view.settled = false;
    layout = "running";
    network.setOptions({ physics: { enabled: true } });
    network.startSimulation();
    renderStatus();
    renderToolbar();
  }

  function fitVisible(animate) {
    if (!network || !current || !current.nodes.size) return;
    if (state.zoom) {
      state.zoom = null;
      writeHash();
    }
    const ids = Array.from(current.nodes, (t) => terms[t].id);
    network.fit({ nodes: ids, animation: animate ? { duration: 300, easingFunction: "easeInOutQuad" } : false });
  }

  // How a node looks: colour and shape of its kind, the focus ring, dimmed when a
  // selection is elsewhere. Returned whole so DataSet.update replaces stale values.
  function nodeLook(t, marks) {
    const term = terms[t];
    const info = kindInfo.get(term.k) || { colour: "#999999", shape: "dot" };
    const flags = marks || {};
    const colour = flags.dimmed ? DIMMED : info.colour;
    const border = flags.focused ? FOCUS_BORDER : colour;
    return {
      label: (flags.focused ? "◎ " : "") + label(t),
      shape: info.shape,
      size: flags.size || baseSize(t),
      hidden: Boolean(flags.hidden),
      borderWidth: flags.focused ? 5 : 1,
      color: {
        background: colour,
        border: border,
        highlight: { background: colour, border: flags.focused ? FOCUS_BORDER : "#1a365d" },
        hover: { background: colour, border: flags.focused ? FOCUS_BORDER : "#1a365d" },
      },
      font: { color: flags.dimmed ? "rgba(26, 32, 44, 0.3)" : "#1a202c" },
    };
  }

  const sizeOfTerm = new Map(graphNodes.map((node) => [node.t, node.size]));

  function baseSize(t) {
    return sizeOfTerm.get(t) || 14;
  }

  // Aggregate sizes follow the number of policies under the filters.
  function aggregateSize(t) {
    return 7 + 14 * Math.sqrt((current.totals.get(t) || 0) / current.mostTotal);
  }

  const lastNodeKey = new Map();
  const lastEdgeKey = new Map();

  function applyToNetwork() {
    if (!network) return;
    const selected = updateDataSets();
    if (selected !== null) network.selectNodes([state.selected], false);
    else network.unselectAll();
  }

  // Brings the DataSets in line with current; returns the selected term if it is shown.
  function updateDataSets() {
    const selected = state.selected === null ? undefined : indexOfIri.get(state.selected);
    const selectionShown = selected !== undefined && current.nodes.has(selected);
    const near = new Set(selectionShown ? [selected].concat(current.around.get(selected) || []) : []);
    const nodeUpdates = [];
    for (const t of drawnTerms) {
      const marks = {
        hidden: !current.nodes.has(t),
        focused: t === current.focus,
        dimmed: selectionShown && !near.has(t),
        size: aggregate && current.nodes.has(t) ? aggregateSize(t) : null,
      };
      const position = current.positions && current.positions.get(t);
      const key = [marks.hidden, marks.focused, marks.dimmed, marks.size, state.lang, position && position.x, position && position.y].join("|");
      if (lastNodeKey.get(t) === key) continue;
      lastNodeKey.set(t, key);
      nodeUpdates.push(Object.assign({ id: terms[t].id }, nodeLook(t, marks), position || {}));
    }
    if (nodeUpdates.length) nodeSet.update(nodeUpdates);
    applyEdges(selectionShown ? selected : null);
    return selectionShown ? selected : null;
  }

  // Edges: only those between visible nodes are in the DataSet (adding and removing a few
  // is cheaper than toggling thousands); their look is diffed like the nodes'.
  function applyEdges(selected) {
    const most = current.edges.reduce((top, edge) => Math.max(top, edge.weight || 0), 1);
    const wanted = new Map();
    for (const edge of current.edges) {
      const dimmed = selected !== null && edge.from !== selected && edge.to !== selected;
      wanted.set(edge.id, edgeLook(edge, dimmed, most));
    }
    const gone = Array.from(lastEdgeKey.keys()).filter((id) => !wanted.has(id));
    if (gone.length) edgeSet.remove(gone);
    for (const id of gone) lastEdgeKey.delete(id);
    const updates = [];
    for (const [id, look] of wanted) {
      const key = JSON.stringify(look);
      if (lastEdgeKey.get(id) === key) continue;
      lastEdgeKey.set(id, key);
      updates.push(Object.assign({ id: id }, look));
    }
    if (updates.length) edgeSet.update(updates);
  }

  function edgeLook(edge, dimmed, most) {
    const look = {
      from: terms[edge.from].id,
      to: terms[edge.to].id,
      color: { color: "#a0aec0", opacity: dimmed ? 0.15 : 1 },
    };
    if (edge.weight) {
      look.width = 1 + 11 * (edge.weight / most);
      // In two columns every number would sit in one pile midway: width and tooltip say it.
      if (!aggregate) look.label = String(edge.weight);
      look.title = fill("countPolicies", { count: edge.weight });
      if (aggregate) look.color.opacity = dimmed ? 0.1 : 0.55;
    } else {
      look.title = pick(data.relations[edge.relation]) || edge.relation;
      if (aggregate) {
        // Broader and narrower technologies sit one above the other: a curve shows the link.
        look.dashes = true;
        look.smooth = { enabled: true, type: "curvedCCW", roundness: 0.5 };
      }
    }
    return look;
  }

  function onNetworkClick(event) {
    if (event.nodes.length) select(event.nodes[0], { zoom: false, openPanel: true });
    else if (!event.edges.length && state.selected !== null) setState({ selected: null });
  }

  // ---------------------------------------------------------------------------------------
  // Hover preview: a small box by the pointer; the selected node's panel stays as it is.

  function showPreview(iri, at) {
    const t = indexOfIri.get(iri);
    if (t === undefined) return;
    const box = $("preview");
    box.replaceChildren(
      element("div", { className: "kind" }, kindName(terms[t].k)),
      element("div", { className: "name" }, label(t))
    );
    const policy = data.policies[policyOfTerm.get(t)];
    if (policy) {
      const where = [policy.g, policy.d].filter((x) => x !== null).map(label);
      if (where.length) box.append(element("div", {}, where[where.length - 1]));
      if (policy.desc) box.append(element("div", {}, pick(policy.desc)));
    } else if (aggregate && current.totals && current.totals.has(t)) {
      box.append(element("div", {}, fill("countPolicies", { count: current.totals.get(t) })));
    }
    const area = $("tab-network").getBoundingClientRect();
    box.hidden = false;
    box.style.left = Math.max(4, Math.min(at.x + 14, area.width - box.offsetWidth - 4)) + "px";
    box.style.top = Math.max(4, Math.min(at.y + 14, area.height - box.offsetHeight - 4)) + "px";
  }

  function hidePreview() {
    $("preview").hidden = true;
  }

  // ---------------------------------------------------------------------------------------
  // DOM helpers

  function element(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key in node) node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function button(textContent, onClick, props) {
    const made = element("button", Object.assign({ type: "button" }, props || {}), textContent);
    made.addEventListener("click", onClick);
    return made;
  }

  // A link-like button that selects a term (and zooms to it).
  function termLink(t) {
    const link = button(label(t), () => select(t, { zoom: true }), { className: "link" });
    link.dataset.iri = terms[t].id;
    return link;
  }

  function joined(items) {
    const span = element("span");
    items.forEach((item, i) => {
      if (i) span.append(", ");
      span.append(item);
    });
    return span;
  }

  // ---------------------------------------------------------------------------------------
  // Rendering: each part of the page from state + current

  function refresh(options) {
    current = computeView();
    if (state.tab === "network" && !network && !networkLoading && !pageIsEmpty) loadNetwork();
    const changedLang = optionsLang !== state.lang;
    renderLanguage();
    if (changedLang) renderFacetOptions();
    renderChips();
    renderLegend();
    renderFocusControls();
    renderTabs();
    renderEmpty();
    applyToNetwork();
    renderMatches();
    renderPanel();
    renderStatus();
    if (options && options.fit && state.tab === "network") fitVisible(true);
  }

  function renderLanguage() {
    document.documentElement.lang = state.lang;
    document.title = pick(data.page.title);
    $("page-title").textContent = pick(data.page.title);
    $("note").textContent = pick(data.page.note);
    $("note").hidden = !pick(data.page.note);
    $("covers").textContent = coversLine();
    // The page's own links (index.html …); a script URL is never made a link.
    const safeLinks = data.page.links.filter((link) => !/^\s*javascript:/i.test(link.href));
    // The other pages open in the language shown here (index.html reads #lang= too).
    const langHash = state.lang !== data.lang ? "#lang=" + state.lang : "";
    $("links").replaceChildren(...safeLinks.map((link) => element("a", { href: link.href + (link.href.includes("#") ? "" : langHash) }, pick(link.title))));
    $("toggle-filters").textContent = text("filters");
    $("toggle-panel").textContent = text("details");
    $("close-filters").setAttribute("aria-label", text("close"));
    $("close-panel").setAttribute("aria-label", text("close"));
    $("matches-clear").setAttribute("aria-label", text("close"));
    $("filters-title").textContent = text("filters");
    $("panel-title").textContent = text("details");
    $("search").placeholder = text("search");
    $("search").setAttribute("aria-label", text("search"));
    $("search-go").textContent = text("find");
    $("fit").textContent = text("fit");
    $("export-png").textContent = text("exportPng");
    $("export-svg").textContent = text("exportSvg");
    $("toggle-actions").textContent = "☰ " + text("menu");
    $("share").textContent = text("share");
    $("lang-switch").textContent = text("otherLang");
    $("lang-switch").lang = state.lang === "ko" ? "en" : "ko";
    $("clear-filters").textContent = text("clearAll");
    $("focus-title").textContent = text("focus");
    $("depth-label").textContent = text("depth");
    $("clear-focus").textContent = text("clearFocus");
    $("legend-title").textContent = text("legend");
    $("size-meaning").textContent = pick(data.graph.sizeMeaning);
    $("line-meaning").textContent = [pick(data.graph.lineMeaning), aggregate ? text("aggregateWidth") : ""]
      .filter(Boolean)
      .join(" · ");
    for (const tab of TABS) $("tab-button-" + tab).textContent = text("tab_" + tab);
    for (const facet of FACETS) {
      const box = $("facet-" + facet);
      if (!box) continue;
      box.querySelector("label").textContent = text("facet_" + facet);
      box.querySelector("input").placeholder = text("choose");
    }
    renderToolbar();
  }

  function renderToolbar() {
    const layoutButton = $("layout");
    const moving = layout === "settling" || layout === "running";
    layoutButton.textContent = moving ? text("stopLayout") : text("restartLayout");
    layoutButton.disabled = !network || aggregate;
    $("fit").disabled = !network;
    const exports = window.PolicyGraphExports;
    $("export-png").disabled = !exports || !exports.can(view, "png");
    $("export-svg").disabled = !exports || !exports.can(view, "svg");
    $("export-svg").title = $("export-svg").disabled ? text("svgNotHere") : "";
  }

  // "2 governments: A, B · 2 sources: X (2021-01-19), … · Policy 4 · Department 3 …"
  function coversLine() {
    const covers = data.covers;
    const parts = [];
    const firstFew = (indexes, name) => {
      const names = indexes.slice(0, SHOWN_NAMES).map(name).join(", ");
      const more = indexes.length > SHOWN_NAMES ? " " + fill("andMore", { count: indexes.length - SHOWN_NAMES }) : "";
      return names + more;
    };
    if (covers.governments.length) {
      parts.push(fill("coversGovernments", { count: covers.governments.length, names: firstFew(covers.governments, label) }));
    }
    if (covers.sources.length) {
      parts.push(fill("coversSources", { count: covers.sources.length, names: firstFew(covers.sources, sourceName) }));
    }
    const counts = Object.entries(covers.counts)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => kindName(kind) + " " + formatCount(n));
    if (counts.length) parts.push(counts.join(", "));
    return parts.join(" · ");
  }

  function sourceName(t) {
    const source = data.sources[String(t)];
    if (!source) return label(t);
    return (pick(source.publisher) || pick(source.title)) + (source.date ? " (" + source.date + ")" : "");
  }

  // --- Filters

  function buildFacets() {
    const box = $("facets");
    for (const facet of FACETS) {
      if (!facetValues[facet].size) continue; // a facet with nothing to choose is left out
      const input = element("input", { id: "filter-" + facet, type: "text", autocomplete: "off" });
      input.setAttribute("list", "filter-" + facet + "-options");
      input.addEventListener("change", () => chooseTyped(facet, input));
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") chooseTyped(facet, input);
      });
      box.append(
        element(
          "div",
          { className: "facet", id: "facet-" + facet },
          element("label", { htmlFor: "filter-" + facet }),
          input,
          element("datalist", { id: "filter-" + facet + "-options" }),
          element("ul", { className: "choices", id: "choices-" + facet }),
          element("ul", { className: "chips", id: "chips-" + facet })
        )
      );
    }
  }

  function valueLabel(facet, value) {
    if (value === NONE) return text("none_" + facet);
    return facet === "year" ? String(value) : label(value);
  }

  // A chosen value as the state holds it: a year, "none", or a term's IRI.
  function storedValue(facet, value) {
    return facet === "year" || value === NONE ? value : terms[value].id;
  }

  function chosenLabel(facet, stored) {
    if (facet === "year") return String(stored);
    return stored === NONE ? text("none_" + facet) : label(indexOfIri.get(stored));
  }

  function sortedValues(facet) {
    const values = Array.from(facetValues[facet].keys()).filter((value) => value !== NONE);
    if (facet === "year") values.sort((a, b) => a - b);
    else values.sort((a, b) => collator().compare(label(a), label(b)));
    return facetValues[facet].has(NONE) && NONE_FACETS.includes(facet) ? [NONE].concat(values) : values;
  }

  // Datalist options in the current language; a label two terms share gets the IRI's tail.
  const optionValue = Object.fromEntries(FACETS.map((facet) => [facet, new Map()]));

  function renderFacetOptions() {
    optionsLang = state.lang;
    for (const facet of FACETS) {
      const list = $("filter-" + facet + "-options");
      if (!list) continue;
      const values = sortedValues(facet);
      const seen = new Map();
      for (const value of values) seen.set(valueLabel(facet, value), (seen.get(valueLabel(facet, value)) || 0) + 1);
      optionValue[facet].clear();
      const options = values.map((value) => {
        let name = valueLabel(facet, value);
        if (seen.get(name) > 1) name += " (" + terms[value].id.split("/").pop() + ")";
        optionValue[facet].set(name, value);
        return element("option", { value: name, label: fill("countPolicies", { count: facetValues[facet].get(value) }) });
      });
      list.replaceChildren(...options);
    }
  }

  // The typed text names a value exactly, or is part of exactly one value's name; when
  // it is part of several (a county name that many provinces have), they are offered.
  function chooseTyped(facet, input) {
    const typed = input.value.trim();
    $("choices-" + facet).replaceChildren();
    if (!typed) return;
    let value = optionValue[facet].get(typed);
    let partial = [];
    if (value === undefined) {
      const lower = typed.toLowerCase();
      partial = Array.from(optionValue[facet].entries()).filter(([name]) => name.toLowerCase().includes(lower));
      if (partial.length === 1) value = partial[0][1];
    }
    if (value === undefined && partial.length > 1) {
      offerChoices(facet, input, typed, partial.map(([, found]) => found));
      return;
    }
    if (value === undefined) {
      notice = { text: fill("notInList", { value: typed.slice(0, 40), facet: text("facet_" + facet) }) };
      renderStatus();
      return;
    }
    choose(facet, input, value);
  }

  function choose(facet, input, value) {
    input.value = "";
    $("choices-" + facet).replaceChildren();
    const stored = storedValue(facet, value);
    if (state.filters[facet].includes(stored)) return;
    setState({ filters: { [facet]: state.filters[facet].concat([stored]) } }, { fit: true });
  }

  // The values a typed name fits, each with what tells it apart: its kind, and the
  // government it belongs to (or, for a government, the one it is part of).
  function offerChoices(facet, input, typed, values) {
    const list = $("choices-" + facet);
    list.setAttribute("aria-label", fill("choices", { value: typed.slice(0, 40), facet: text("facet_" + facet), count: values.length }));
    list.replaceChildren(
      element("li", { className: "choices-head" }, list.getAttribute("aria-label")),
      ...values.map((value) =>
        element(
          "li",
          {},
          button(valueLabel(facet, value), () => choose(facet, input, value), { className: "link choice", dataset: { value: String(storedValue(facet, value)) } }),
          value === NONE || facet === "year" ? null : element("span", { className: "meta" }, " (" + termMeta(value).join(", ") + ")")
        )
      )
    );
  }

  // What tells a term apart from others of its name: its kind, its government.
  function termMeta(t) {
    const facts = governmentFacts[String(t)];
    const meta = [facts && facts.kind ? pick(facts.kind) : kindName(terms[t].k)];
    const home = facts && facts.in !== undefined ? facts.in : terms[t].g;
    if (home !== null && home !== undefined && home !== t) meta.push(label(home));
    return meta;
  }

  function chip(name, stored, onRemove, facetName) {
    const remove = button("×", onRemove, { className: "chip-remove" });
    remove.setAttribute("aria-label", fill("remove", { name: name }));
    const shown = facetName ? facetName + ": " + name : name;
    return element("li", { className: "chip", dataset: { value: String(stored) } }, element("span", { title: shown }, shown), remove);
  }

  // Chips in each facet of the filters, and every active filter above the view (on a
  // phone the filters are a closed drawer: the button counts them, the chips name them).
  function renderChips() {
    const all = [];
    for (const facet of FACETS) {
      const list = $("chips-" + facet);
      const chosen = state.filters[facet].map((stored) => [chosenLabel(facet, stored), stored, () => removeChip(facet, stored)]);
      if (list) list.replaceChildren(...chosen.map(([name, stored, remove]) => chip(name, stored, remove)));
      for (const [name, stored, remove] of chosen) all.push(chip(name, stored, remove, text("facet_" + facet)));
    }
    if (state.region) all.unshift(chip(regionName(state.region), state.region, () => setState({ region: null }), text("facet_region")));
    $("active-filters").replaceChildren(...all);
    $("active-filters").hidden = all.length === 0;
    const count = activeFilterCount();
    $("toggle-filters").textContent = count ? fill("filtersCount", { count: count }) : text("filters");
    $("clear-filters").disabled = !hasFilters();
  }

  // A region's name, from the map's boundaries once they are loaded (else its code).
  function regionName(code) {
    const names = data.page.regions || {};
    return (window.PolicyGraphMap && window.PolicyGraphMap.regionName(code)) || names[code] || code;
  }

  function removeChip(facet, stored) {
    setState({ filters: { [facet]: state.filters[facet].filter((v) => v !== stored) } }, { fit: true });
  }

  function clearFilters() {
    setState({ filters: emptyFilters(), focus: null, hidden: [], region: null }, { fit: true });
  }

  // --- Legend

  // Kinds drawn on this page (an aggregate page draws only its rows and columns).
  const drawnKinds = data.kinds.filter((kind) => drawnTerms.some((t) => terms[t].k === kind.kind));

  function buildLegend() {
    $("legend-section").hidden = drawnKinds.length === 0;
    $("legend").replaceChildren(
      ...drawnKinds.map((kind) => {
        const box = element("input", { type: "checkbox", id: "show-" + kind.kind, dataset: { kind: kind.kind } });
        box.addEventListener("change", () => toggleKind(kind.kind, box.checked));
        const swatch = element("span", { className: "swatch " + kind.shape });
        swatch.style.background = kind.colour;
        return element("li", {}, element("label", {}, box, swatch, element("span", { className: "kind-name" })));
      })
    );
  }

  function renderLegend() {
    for (const kind of drawnKinds) {
      const box = $("show-" + kind.kind);
      box.checked = !state.hidden.includes(kind.kind);
      box.nextSibling.nextSibling.textContent = pick(kind.name);
      box.setAttribute("aria-label", fill("show", { name: pick(kind.name) }));
    }
  }

  function toggleKind(kind, shown) {
    const hidden = state.hidden.filter((k) => k !== kind);
    if (!shown) hidden.push(kind);
    setState({ hidden: hidden });
  }

  // --- Focus

  function renderFocusControls() {
    const info = $("focus-info");
    const focus = state.focus === null ? undefined : indexOfIri.get(state.focus);
    if (focus === undefined) info.replaceChildren(text("noFocus"));
    else info.replaceChildren(text("focus") + ": ", termLink(focus));
    $("depth").value = String(state.depth);
    $("clear-focus").disabled = state.focus === null;
  }

  // --- Tabs

  function renderTabs() {
    for (const tab of ALL_TABS) $("tab-button-" + tab).hidden = !TABS.includes(tab);
    $("tab-map").hidden = !TABS.includes("map");
    renderToolbar();
    for (const tab of TABS) {
      const active = state.tab === tab;
      $("tab-button-" + tab).setAttribute("aria-selected", String(active));
      $("tab-button-" + tab).tabIndex = active ? 0 : -1;
      $("tab-" + tab).classList.toggle("inactive", !active);
      $("tab-" + tab).setAttribute("aria-hidden", String(!active));
    }
  }

  // --- Empty graph

  function renderEmpty() {
    const box = $("empty");
    const clear = $("empty-clear");
    if (pageIsEmpty) {
      box.hidden = false;
      $("empty-text").textContent = pick(data.page.empty) || text("emptyPage");
      clear.hidden = true;
      return;
    }
    box.hidden = current.nodes.size > 0;
    $("empty-text").textContent = emptyReason();
    clear.hidden = false;
    clear.textContent = text("clearFilters");
  }

  function emptyReason() {
    if (!current.passing.length) return text("noPolicyMatches");
    if (drawnKinds.every((kind) => state.hidden.includes(kind.kind))) return text("allKindsHidden");
    return text("nothingMatches");
  }

  // --- Status: always what is true now

  function renderStatus() {
    const parts = [];
    const status = $("status");
    if (pageIsEmpty) {
      status.replaceChildren(pick(data.page.empty) || text("emptyPage"));
      return;
    }
    parts.push(
      fill("shown", {
        nodes: current.nodes.size,
        totalNodes: drawnTerms.length,
        policies: current.policies.length,
        totalPolicies: data.policies.length,
      })
    );
    if (network) {  // the layout's state, once there is a network (drawn when its tab is shown)
      const layoutText = text({ settling: "layoutSettling", running: "layoutRunning", still: "layoutStill" }[layout]);
      parts.push(layout === "settling" && progress ? layoutText + " (" + progress + ")" : layoutText);
    }
    const focus = state.focus === null ? undefined : indexOfIri.get(state.focus);
    if (focus !== undefined) {
      parts.push(
        current.focus === null
          ? fill("focusHidden", { name: label(focus) })
          : fill("focusStatus", { name: label(focus), depth: state.depth })
      );
      if (current.focusFiltered) parts.push(text("focusFiltered"));
    }
    if (current.rowsLeftOut) parts.push(fill("rowsLeftOut", { count: current.rowsLeftOut, drawn: drawRows }));
    if (searchQuery) parts.push(searchSummary());
    const children = [parts.join(" · ")];
    const selected = state.selected === null ? undefined : indexOfIri.get(state.selected);
    let offerClear = !current.nodes.size;
    if (!current.nodes.size) children.push(" — " + emptyReason());
    if (selected !== undefined && !current.nodes.has(selected)) {
      const drawn = drawnTerms.includes(selected);
      children.push(" — " + fill(drawn ? "selectedHidden" : "notDrawn", { name: label(selected) }));
      offerClear = offerClear || drawn;
    }
    if (offerClear) children.push(button(text("clearFilters"), clearFilters, { id: "status-clear" }));
    if (notice) {
      children.push(" — " + notice.text);
      if (notice.extra) children.push(notice.extra);
    }
    status.replaceChildren(...children);
  }

  // ---------------------------------------------------------------------------------------
  // Search over the visible nodes: exact names first, then names containing the query.

  function searchTerms(query, candidates) {
    const lower = query.toLowerCase();
    const exact = [];
    const partial = [];
    for (const t of candidates) {
      const term = terms[t];
      const names = [term.ko, term.en, term.nko, term.nen].filter(Boolean);
      if (names.some((name) => name.toLowerCase() === lower)) exact.push(t);
      else if (names.some((name) => name.toLowerCase().includes(lower))) partial.push(t);
    }
    const byLabel = (a, b) => collator().compare(label(a), label(b)) || a - b;
    return exact.sort(byLabel).concat(partial.sort(byLabel));
  }

  function searchSummary() {
    const found = searchTerms(searchQuery, current.nodes);
    const hidden = searchTerms(searchQuery, drawnTerms.filter((t) => !current.nodes.has(t))).length;
    const said = found.length
      ? fill("searchFound", { query: searchQuery, count: found.length })
      : fill("searchNone", { query: searchQuery });
    return said + (hidden ? fill("searchHidden", { count: hidden }) : "");
  }

  function runSearch() {
    searchQuery = $("search").value.trim().slice(0, 200);
    const found = searchQuery ? searchTerms(searchQuery, current.nodes) : [];
    if (found.length === 1) {
      select(found[0], { zoom: true, openPanel: true });
      return;
    }
    renderMatches();
    renderStatus();
    if (found.length) openDrawer("panel");
  }

  // Every match, in a scrolling list: label, kind, government.
  function renderMatches() {
    const box = $("matches");
    if (!searchQuery) {
      box.hidden = true;
      return;
    }
    const found = searchTerms(searchQuery, current.nodes);
    $("matches-title").textContent = found.length
      ? fill("searchFound", { query: searchQuery, count: found.length })
      : fill("searchNone", { query: searchQuery });
    $("match-list").replaceChildren(
      ...found.map((t) => {
        const meta = [kindName(terms[t].k)];
        if (terms[t].g !== null && terms[t].g !== undefined) meta.push(label(terms[t].g));
        return element("li", {}, termLink(t), " ", element("span", { className: "meta" }, "(" + meta.join(", ") + ")"));
      })
    );
    box.hidden = false;
  }

  function clearSearch() {
    searchQuery = "";
    $("search").value = "";
    renderMatches();
    renderStatus();
  }

  // ---------------------------------------------------------------------------------------
  // Selection and the details panel

  function resolveTerm(iriOrIndex) {
    if (typeof iriOrIndex === "number") return terms[iriOrIndex] ? iriOrIndex : undefined;
    return indexOfIri.get(iriOrIndex);
  }

  function select(iriOrIndex, options) {
    const t = resolveTerm(iriOrIndex);
    if (t === undefined) return false;
    const how = options || { zoom: true };
    panelContent = null;
    setState({ selected: terms[t].id, tab: "network" });
    if (how.zoom && network && current.nodes.has(t)) {
      network.focus(terms[t].id, { scale: Math.max(1, network.getScale()), animation: { duration: 300 } });
    }
    if (how.openPanel) openDrawer("panel");
    return true;
  }

  function showPolicies(title, policyIndexes) {
    panelContent = { title: String(title), indexes: Array.from(policyIndexes) };
    renderPanel();
    openDrawer("panel");
  }

  // Any details (a region of the map …): a title and the nodes to show under it.
  function showContent(title, nodes) {
    panelContent = { title: String(title), nodes: nodes };
    renderPanel();
    openDrawer("panel");
  }

  function renderPanel() {
    const details = $("details");
    if (panelContent && panelContent.nodes) {
      details.replaceChildren(element("h3", {}, panelContent.title), ...panelContent.nodes);
      return;
    }
    if (panelContent) {
      details.replaceChildren(...policyListPanel(panelContent.title, panelContent.indexes));
      return;
    }
    const t = state.selected === null ? undefined : indexOfIri.get(state.selected);
    if (t === undefined) {
      details.replaceChildren(element("p", { className: "hint" }, text("hint")));
      return;
    }
    const parts = [element("p", { className: "kind" }, kindName(terms[t].k)), element("h3", {}, label(t))];
    if (!current.nodes.has(t) && !(aggregate && policyOfTerm.has(t))) {
      parts.push(element("p", { className: "hidden-note" }, text("hiddenNote")));
    }
    parts.push(panelActions(t));
    const home = drawnOn(t);
    if (home) parts.push(element("p", { className: "drawn-on" }, element("a", { id: "drawn-on", href: home }, text("drawnOn"))));
    const kind = terms[t].k;
    if (policyOfTerm.has(t)) parts.push(policyDetails(data.policies[policyOfTerm.get(t)]));
    else if (kind === "department") parts.push(...departmentDetails(t));
    else if (kind === "technology") parts.push(...technologyDetails(t));
    else if (kind === "government") parts.push(...governmentDetails(t));
    else parts.push(...otherDetails(t));
    parts.push(element("p", { className: "iri" }, text("iri") + ": " + terms[t].id));
    details.replaceChildren(...parts);
  }

  // An aggregate page draws no policy: its details (description, quote) and its
  // neighbours are on the page of its government (or the overview, for one government).
  function drawnOn(t) {
    if (!aggregate || !policyOfTerm.has(t)) return null;
    const page = data.pages[String(data.policies[policyOfTerm.get(t)].g)];
    if (!page) return null;
    const hash = new URLSearchParams({ sel: terms[t].id, lang: state.lang });
    return page + "#" + hash.toString();
  }

  function panelActions(t) {
    const actions = element("div", { className: "actions" });
    if (drawnTerms.includes(t) && state.focus !== terms[t].id) {
      actions.append(button(text("focusHere"), () => setState({ focus: terms[t].id }, { fit: true }), { id: "focus-here" }));
    }
    if (state.focus !== null) actions.append(button(text("clearFocus"), () => setState({ focus: null }, { fit: true }), { id: "panel-clear-focus" }));
    return actions;
  }

  function field(name, value) {
    if (value === null || value === undefined || value === "") return [];
    return [element("dt", {}, name), element("dd", {}, value)];
  }

  function links(indexes) {
    return indexes.length ? joined(indexes.map(termLink)) : null;
  }

  // Title, government and department, description, technologies, groups, partners, budget,
  // end or timeline, quote, sources (the IRI comes last, added by renderPanel).
  function policyDetails(policy) {
    const list = element("dl");
    const add = (name, value) => list.append(...field(name, value));
    add(text("government"), policy.g === null ? null : termLink(policy.g));
    add(text("department"), policy.d === null ? null : termLink(policy.d));
    add(text("description"), pick(policy.desc) || null);
    add(text("technologies"), links(policy.tech));
    add(text("targetGroups"), links(policy.tg));
    add(text("partners"), links(policy.pt));
    add(text("domains"), links(policy.dom));
    add(text("programmes"), links(policy.prog));
    add(text("budget"), policy.budget ? pick(policy.budget) : null);
    add(text("end"), policy.end);
    add(text("timeline"), policy.timeline);
    add(text("quote"), policy.quote ? element("blockquote", { lang: "ko" }, policy.quote) : null);
    if (policy.src.length) {
      add(text("sources"), element("ul", {}, ...policy.src.map((s) => element("li", {}, sourceLine(s)))));
    }
    return list;
  }

  // A source as its title (a link to its node) and "(publisher, date)".
  function sourceLine(s) {
    const source = data.sources[String(s)];
    if (!source) return termLink(s);
    const link = termLink(s);
    if (pick(source.title)) link.textContent = pick(source.title);
    const said = [pick(source.publisher), source.date].filter(Boolean).join(", ");
    return element("span", {}, link, said ? element("span", { className: "sub" }, " (" + said + ")") : null);
  }

  function countsLine(pairs) {
    return element("p", { className: "sub" }, pairs.map(([key, n]) => fill(key, { count: n })).join(", "));
  }

  function distinct(lists) {
    return new Set([].concat(...lists));
  }

  // One policy as a list item: link, then its technologies, groups and partners.
  function policyItem(i) {
    const policy = data.policies[i];
    const item = element("li", {}, termLink(policy.t));
    if (!current.policySet.has(i)) item.append(" ", element("span", { className: "hidden-note" }, text("hiddenNote")));
    const facts = [
      [text("technologies"), policy.tech],
      [text("targetGroups"), policy.tg],
      [text("partners"), policy.pt],
    ].filter(([, list]) => list.length);
    for (const [name, list] of facts) item.append(element("div", { className: "sub" }, name + ": ", joined(list.map(termLink))));
    return item;
  }

  function departmentDetails(t) {
    const mine = data.policies.map((p, i) => (p.d === t ? i : -1)).filter((i) => i >= 0);
    const chosen = mine.map((i) => data.policies[i]);
    const parts = [];
    if (terms[t].g !== null && terms[t].g !== undefined) parts.push(element("p", {}, text("government") + ": ", termLink(terms[t].g)));
    parts.push(
      countsLine([
        ["countPolicies", mine.length],
        ["countTechnologies", distinct(chosen.map((p) => p.tech)).size],
        ["countTargetGroups", distinct(chosen.map((p) => p.tg)).size],
        ["countPartners", distinct(chosen.map((p) => p.pt)).size],
      ])
    );
    parts.push(element("h4", {}, text("policies")), element("ul", {}, ...mine.map(policyItem)));
    return parts;
  }

  // Policies using the technology or a narrower one, grouped by department (or government).
  function technologyDetails(t) {
    const within = closure([t], narrowerOf);
    const users = data.policies.map((p, i) => (p.tech.some((x) => within.has(x)) ? i : -1)).filter((i) => i >= 0);
    const groups = new Map();
    for (const i of users) {
      const policy = data.policies[i];
      const owner = policy.d !== null ? policy.d : policy.g;
      if (!groups.has(owner)) groups.set(owner, []);
      groups.get(owner).push(i);
    }
    const owners = Array.from(groups.keys()).sort((a, b) => collator().compare(label(a), label(b)));
    const parts = [
      countsLine([
        ["countPolicies", users.length],
        ["countDepartments", distinct(users.map((i) => [data.policies[i].d].filter((d) => d !== null))).size],
        ["countGovernments", distinct(users.map((i) => [data.policies[i].g].filter((g) => g !== null))).size],
      ]),
    ];
    const narrower = Array.from(within).filter((x) => x !== t);
    if (narrower.length) parts.push(element("p", { className: "sub" }, text("narrower") + ": ", joined(narrower.map(termLink))));
    const broader = broaderOf.get(t) || [];
    if (broader.length) parts.push(element("p", { className: "sub" }, text("broader") + ": ", joined(broader.map(termLink))));
    parts.push(
      element(
        "ul",
        {},
        ...owners.map((owner) =>
          element("li", {}, owner === null ? text("noDepartment") : termLink(owner), element("ul", {}, ...groups.get(owner).map(policyItem)))
        )
      )
    );
    return parts;
  }

  function governmentDetails(t) {
    const departments = terms.map((term, i) => (term.k === "department" && term.g === t ? i : -1)).filter((i) => i >= 0);
    const mine = data.policies.map((p, i) => (p.g === t ? i : -1)).filter((i) => i >= 0);
    return [
      countsLine([
        ["countDepartments", departments.length],
        ["countPolicies", mine.length],
      ]),
      element("h4", {}, text("departments")),
      element("ul", {}, ...departments.map((d) => element("li", {}, termLink(d)))),
      element("h4", {}, text("policies")),
      element("ul", {}, ...mine.map(policyItem)),
    ];
  }

  // Any other kind: what it is joined to, grouped by kind (on aggregate pages: through policies).
  function otherDetails(t) {
    const parts = [];
    const source = data.sources[String(t)];
    if (source) parts.push(element("p", {}, sourceLine(t)));
    const around = aggregate ? current.around.get(t) || [] : neighbours.get(t) || [];
    const byKind = new Map();
    for (const other of uniqueSorted(around)) {
      if (!byKind.has(terms[other].k)) byKind.set(terms[other].k, []);
      byKind.get(terms[other].k).push(other);
    }
    for (const kind of data.kinds.map((k) => k.kind).concat(Array.from(byKind.keys()))) {
      if (!byKind.has(kind)) continue;
      const list = byKind.get(kind);
      byKind.delete(kind);
      parts.push(element("h4", {}, kindName(kind) + " (" + formatCount(list.length) + ")"));
      parts.push(element("ul", {}, ...list.map((other) => element("li", {}, termLink(other)))));
    }
    return parts;
  }

  function policyListPanel(title, indexes) {
    return [
      element("h3", {}, title),
      countsLine([["policyList", indexes.length]]),
      element("ul", {}, ...indexes.filter((i) => data.policies[i]).map(policyItem)),
    ];
  }

  // ---------------------------------------------------------------------------------------
  // Header actions: PNG, link, language, tabs, drawers

  function shareLink() {
    const url = location.href;
    const fallback = () => {
      const box = element("input", { type: "text", readOnly: true, value: url, id: "share-url", size: 40 });
      notice = { text: text("copyThis"), extra: box };
      renderStatus();
      box.select();
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(() => {
        notice = { text: text("copied") };
        renderStatus();
      }, fallback);
    } else {
      fallback();
    }
  }

  function openDrawer(which) {
    if (!window.matchMedia("(max-width: 700px)").matches) return;
    const other = which === "panel" ? "filters" : "panel";
    $(other).classList.remove("open");
    $(which).classList.add("open");
    syncDrawers();
  }

  function toggleDrawer(which) {
    if ($(which).classList.contains("open")) closeDrawers();
    else openDrawer(which);
  }

  function closeDrawers() {
    $("filters").classList.remove("open");
    $("panel").classList.remove("open");
    syncDrawers();
  }

  function syncDrawers() {
    $("toggle-filters").setAttribute("aria-expanded", String($("filters").classList.contains("open")));
    $("toggle-panel").setAttribute("aria-expanded", String($("panel").classList.contains("open")));
    $("scrim").hidden = !$("filters").classList.contains("open") && !$("panel").classList.contains("open");
  }

  function showTab(tab) {
    setState({ tab: tab });
    if (tab === "network" && network) network.redraw();
  }

  // On a phone the actions (fit, layout, PNG, SVG, link, language) fold into a menu.
  function toggleActions() {
    const open = !$("actions").classList.contains("open");
    $("actions").classList.toggle("open", open);
    $("toggle-actions").setAttribute("aria-expanded", String(open));
  }

  // Left and right arrows move between tabs, as in any tab list.
  function moveTab(event, tab) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length];
    showTab(next);
    $("tab-button-" + next).focus();
  }

  function bindControls() {
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      runSearch();
    });
    $("matches-clear").addEventListener("click", clearSearch);
    $("fit").addEventListener("click", () => fitVisible(true));
    $("layout").addEventListener("click", () => (layout === "still" ? restartLayout() : stopLayout()));
    $("export-png").addEventListener("click", () => window.PolicyGraphExports.save(view, "png"));
    $("share").addEventListener("click", shareLink);
    $("lang-switch").addEventListener("click", () => setState({ lang: state.lang === "ko" ? "en" : "ko" }));
    for (const tab of TABS) {
      $("tab-button-" + tab).addEventListener("click", () => showTab(tab));
      $("tab-button-" + tab).addEventListener("keydown", (event) => moveTab(event, tab));
    }
    $("clear-filters").addEventListener("click", () => setState({ filters: emptyFilters(), region: null }, { fit: true }));
    $("empty-clear").addEventListener("click", clearFilters);
    $("depth").addEventListener("change", () => setState({ depth: $("depth").value }, { fit: true }));
    $("clear-focus").addEventListener("click", () => setState({ focus: null }, { fit: true }));
    $("toggle-filters").addEventListener("click", () => toggleDrawer("filters"));
    $("toggle-panel").addEventListener("click", () => toggleDrawer("panel"));
    $("close-filters").addEventListener("click", closeDrawers);
    $("close-panel").addEventListener("click", closeDrawers);
    // The scrim closes the drawers on a tap that began on it. A tap on a node, cell, bar or
    // region opens the details drawer at once, and the click that the browser sends after
    // that tap lands on the scrim just shown: it began elsewhere, so it closes nothing.
    let pressedOnScrim = false;
    $("scrim").addEventListener("pointerdown", () => (pressedOnScrim = true));
    $("scrim").addEventListener("click", () => {
      if (pressedOnScrim) closeDrawers();
      pressedOnScrim = false;
    });
    document.addEventListener("pointerdown", (event) => {
      if (event.target !== $("scrim")) pressedOnScrim = false;
    }, true);
    $("toggle-actions").addEventListener("click", toggleActions);
    $("export-svg").addEventListener("click", () => window.PolicyGraphExports.save(view, "svg"));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        closeDrawers();
        hidePreview();
      }
    });
    window.addEventListener("hashchange", () => {
      state = readHash();
      panelContent = null;
      changed({ fit: true });
    });
  }

  // ---------------------------------------------------------------------------------------
  // The shared API (answers.js and tests use it; see the page data contract)

  const view = {
    data: data,
    settled: false,
    lang: lang,
    label: label,
    text: text,
    visiblePolicies: () => (current ? current.policies.slice() : []),
    visibleNodeIds: () => (current ? Array.from(current.nodes, (t) => terms[t].id) : []),
    get state() {
      return state;
    },
    onChange(callback) {
      callbacks.push(callback);
    },
    showPolicies: showPolicies,
    showContent: showContent,
    element: element,
    fill: fill,
    pick: pick,
    termMeta: termMeta,
    mapCodeOf: mapCodeOf,
    governmentFacts: governmentFacts,
    activeFilterLabels: activeFilterLabels,
    visibleTab: () => state.tab,
    select: (iriOrIndex) => select(iriOrIndex, { zoom: true, openPanel: true }),
    setState: (partial, options) => setState(partial || {}, options || { fit: true }),
    // Kept in the URL without drawing anything again (a view's zoom, as it moves).
    keep(partial) {
      Object.assign(state, partial);
      writeHash();
    },
    get network() {
      return network;
    },
  };

  function start() {
    buildFacets();
    buildLegend();
    bindControls();
    current = computeView();
    // The network is drawn when its tab is first shown: a page of many governments opens
    // on the map or the rankings, and laying out a network there would only delay them.
    view.settled = pageIsEmpty || state.tab !== "network";
    refresh({});
    writeHash();
    window.policyGraphView = view;
    mountAnswers();
  }

  function mountAnswers() {
    if (window.PolicyGraphMap && TABS.includes("map")) window.PolicyGraphMap.mount(view);
    if (window.PolicyGraphAnswers && typeof window.PolicyGraphAnswers.mount === "function") {
      window.PolicyGraphAnswers.mount(view);
      return;
    }
    for (const tab of ["matrix", "charts", "table"]) $("tab-" + tab).replaceChildren(element("p", { className: "hint" }, text("answersMissing")));
  }

  start();
})();
