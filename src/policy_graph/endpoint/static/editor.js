// The query page of `policy-graph serve`: YASGUI set up for this one endpoint, offline.
// Its settings (endpoint, prefixes, examples) come from the page (see editor.py).
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("policy-graph-config").textContent);
  const pageUrl = () => location.href.split("#")[0];
  const endpoint = new URL(config.endpoint, pageUrl()).href;
  const OURS = "https://w3id.org/policy-graph/";
  const FORMATS = {
    SELECT: [["csv", "CSV"], ["tsv", "TSV"], ["json", "JSON"]],
    ASK: [["csv", "CSV"], ["tsv", "TSV"], ["json", "JSON"]],
    CONSTRUCT: [["ttl", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"]],
    DESCRIBE: [["ttl", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"]],
  };
  // Results show an IRI by the first prefix whose namespace it starts with: the longest
  // first, so that ours read pgorg:gwangju rather than pgid:org/gwangju.
  const longestFirst = Object.fromEntries(
    Object.entries(config.prefixes).sort(([, a], [, b]) => b.length - a.length),
  );
  document.getElementById("endpoint").textContent = endpoint;

  // Prefixes are completed (and added as they are typed) from our list only: YASQE's own
  // list comes from prefix.cc, and its class and property completers ask Linked Open
  // Vocabularies, so those two are left out.
  Yasqe.forkAutocompleter(
    "prefixes",
    {
      name: "prefixes",
      get: Object.entries(config.prefixes).map(([prefix, iri]) => `${prefix}: <${iri}>`),
      persistenceId: null,
    },
    false,
  );
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  // The table's order, filter and page travel in the URL beside YASGUI's own share link
  // (the query, the plugin, its page size). YASGUI would send parameters it does not
  // know to the endpoint, so they are taken out of the URL before it reads it, and put
  // back after the table they are for is drawn.
  const VIEW = ["sort", "filter", "page"];
  let pendingView = null;
  {
    const pairs = location.hash.slice(1).split("&").filter(Boolean);
    const ours = pairs.filter((pair) => VIEW.includes(pair.split("=")[0]));
    if (ours.length) {
      pendingView = Object.fromEntries(new URLSearchParams(ours.join("&")));
      const rest = pairs.filter((pair) => !ours.includes(pair)).join("&");
      history.replaceState(history.state, "", rest ? `${pageUrl()}#${rest}` : pageUrl());
    }
  }

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    tabName: "질의 · Query",
    persistenceId: "policy-graph",
    yasqe: { value: config.defaultQuery },
    yasr: { prefixes: longestFirst },
    // A shared link opens its query here, on this endpoint, whatever endpoint it names.
    populateFromUrl: (fromUrl) => {
      fromUrl.requestConfig.endpoint = endpoint;
      return fromUrl;
    },
  });
  // Tabs kept in the browser from an earlier visit may name this server by another address.
  for (const id of yasgui.persistentConfig.getTabs()) yasgui.getTab(id)?.setEndpoint(endpoint);

  // --- examples: each opens in a tab of its own and runs ------------------------------
  const select = document.getElementById("examples");
  for (const example of config.examples) {
    const option = document.createElement("option");
    option.value = example.name;
    option.textContent = `${example.title_ko} · ${example.title}`;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const example = config.examples.find((e) => e.name === select.value);
    select.value = "";
    if (!example) return;
    const tab = { name: example.title_ko, yasqe: { value: example.text } };
    yasgui.addTab(true, tab, { avoidDuplicateTabs: true });
    yasgui.getTab().query().catch(() => {}); // Yasr shows the error
  });

  // --- the query and its view in the URL, download links for it ------------------------
  const downloads = document.getElementById("downloads");
  function currentQuery() {
    const tab = yasgui.getTab();
    const yasqe = tab && tab.getYasqe();
    return yasqe ? [yasqe.getValue(), yasqe.getQueryType()] : [tab ? tab.getQuery() : "", ""];
  }
  function updateDownloads() {
    const [query, form] = currentQuery();
    const formats = FORMATS[form] || FORMATS.SELECT;
    const shown = [...downloads.querySelectorAll("a")].map((a) => a.dataset.format).join();
    if (shown !== formats.map(([format]) => format).join()) {
      // Made anew only when the query's form changes: a link must not be replaced
      // under the pointer that is clicking it.
      downloads.querySelectorAll("a").forEach((a) => a.remove());
      for (const [format, label] of formats) {
        const link = document.createElement("a");
        link.textContent = label;
        link.dataset.format = format;
        link.download = `query.${format}`;
        downloads.appendChild(link);
      }
    }
    for (const link of downloads.querySelectorAll("a")) {
      const format = link.dataset.format;
      link.href = `${endpoint}?${new URLSearchParams({ query, format })}`;
    }
  }
  function dataTable(tab) {
    const yasr = tab && tab.getYasr();
    return yasr && yasr.results && yasr.plugins.table && yasr.plugins.table.dataTable;
  }
  function tableView(tab) {
    const table = dataTable(tab);
    if (!table) return pendingView || {};
    const view = {};
    const columns = ["", ...tab.getYasr().results.getVariables()]; // 0: the row numbers
    const order = table.order().filter(([column]) => columns[column]);
    if (order.length) view.sort = order.map(([c, dir]) => `${columns[c]}.${dir}`).join(",");
    if (table.search()) view.filter = table.search();
    if (table.page()) view.page = String(table.page() + 1);
    return view;
  }
  function showView(tab) {
    const table = dataTable(tab);
    if (!pendingView || !table) return;
    const view = pendingView;
    pendingView = null;
    const columns = ["", ...tab.getYasr().results.getVariables()];
    const order = (view.sort || "").split(",").map((key) => key.split("."));
    table.order(order.filter(([name]) => columns.indexOf(name) > 0).map(([name, dir]) =>
      [columns.indexOf(name), dir === "desc" ? "desc" : "asc"]));
    table.search(view.filter || "");
    const field = tab.getYasr().plugins.table.tableFilterField;
    if (field) field.value = view.filter || "";
    table.draw();
    if (Number(view.page) > 1) table.page(Number(view.page) - 1).draw("page");
  }
  // Called after each table is drawn: restores a view from the URL, follows changes.
  function watch(tab) {
    const yasr = tab && tab.getYasr();
    if (!yasr || yasr.policyGraphWatched) return;
    yasr.policyGraphWatched = true;
    yasr.on("drawn", () => {
      showView(tab);
      const table = dataTable(tab);
      if (table) table.on("order.dt search.dt page.dt", () => setTimeout(remember));
      remember();
    });
  }
  function remember() {
    const tab = yasgui.getTab();
    if (tab) {
      watch(tab);
      const view = new URLSearchParams(tableView(tab)).toString();
      const link = tab.getShareableLink(pageUrl());
      history.replaceState(history.state, "", view ? `${link}&${view}` : link);
    }
    updateDownloads();
  }
  yasgui.on("queryResponse", remember);
  yasgui.on("tabChange", remember);
  yasgui.on("tabSelect", () => {
    pendingView = null; // it was for the tab of the link
    setTimeout(remember);
  });
  // A link is made again as it is used, so that it holds the text in the editor now.
  downloads.addEventListener("pointerdown", updateDownloads, true);
  downloads.addEventListener("keydown", updateDownloads, true);
  showView(yasgui.getTab()); // an answer kept in the browser is drawn already
  remember();

  // --- our IRIs open this server's pages -------------------------------------------------
  function localHref(iri) {
    if (!iri || !iri.startsWith(OURS)) return null;
    const rest = iri.slice(OURS.length);
    const ours = rest.startsWith("id/") || rest === "ontology" || rest.startsWith("ontology#");
    return ours ? new URL(rest, pageUrl()).href : null;
  }
  function rewriteLinks() {
    for (const a of document.querySelectorAll(`#yasgui a[href^="${OURS}"]`)) {
      const iri = a.getAttribute("href");
      const local = localHref(iri);
      if (local) {
        a.href = local;
        a.title = iri;
      }
    }
  }
  new MutationObserver(rewriteLinks).observe(document.getElementById("yasgui"), {
    childList: true,
    subtree: true,
  });
  rewriteLinks();

  window.policyGraphEditor = { yasgui, endpoint, config, localHref };
})();
