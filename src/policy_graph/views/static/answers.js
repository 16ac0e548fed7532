/* policy-graph views: the answers beside the graph (matrix, bar charts, table).
 *
 * window.PolicyGraphAnswers.mount(view) is called by view.js once window.policyGraphView
 * exists (see the page data contract). Everything here counts only the policies in view
 * (view.visiblePolicies()) and is drawn again after every view.onChange. A tab is drawn
 * only while it is shown: ECharts measures its container, which is empty while hidden.
 * Data reaches the page through DOM APIs and textContent only; ECharts writes its
 * tooltips as HTML, so every tooltip formatter escapes with echarts.format.encodeHTML.
 */
(function () {
  "use strict";

  const TEXTS = {
    ko: {
      policies: (n) => `정책 ${n.toLocaleString("ko")}건`,
      empty: "필터에 맞는 정책이 없습니다: 필터(또는 초점)를 해제하세요.",
      noTechnology: (n) => `보이는 정책 ${n.toLocaleString("ko")}건 가운데 활용 기술이 기록된 정책이 없습니다.`,
      matrixTitle: "부서·기관(행) × 기술(열)",
      matrixTitleGov: "지방정부(행) × 기술(열)",
      matrixCaption:
        "칸의 숫자: 그 행(부서·기관)의 정책 가운데 그 열의 기술을 활용하는 정책 수. " +
        "상위 기술(예: AI)은 하위 기술(예: 챗봇)을 활용하는 정책도 셉니다. 칸을 누르면 정책 목록이 나옵니다.",
      matrixCaptionGov:
        "칸의 숫자: 그 지방정부의 정책 가운데 그 열의 기술을 활용하는 정책 수. " +
        "상위 기술(예: AI)은 하위 기술(예: 챗봇)을 활용하는 정책도 셉니다. 칸을 누르면 정책 목록이 나옵니다.",
      noDepartment: (n) =>
        `담당 부서가 없는 정책 ${n.toLocaleString("ko")}건은 그 지방정부의 행에 셉니다.`,
      rowCap: (shown, total) =>
        `정책이 많은 ${shown}개 행만 보입니다 (전체 ${total.toLocaleString("ko")}개 행). 모든 정책은 표에 있습니다.`,
      rowsBy: "행:",
      rowsDepartment: "부서·기관",
      rowsGovernment: "지방정부",
      axisPolicies: "정책 수",
      barTechnology: "기술별 정책 수",
      barTechnologyNote: "상위 기술(예: AI)은 하위 기술(예: 챗봇)을 활용하는 정책도 셉니다.",
      barTargetGroup: "정책 대상별 정책 수",
      barGovernment: "정책이 많은 지방정부",
      barGovernmentTech: (name) => `${name} 정책이 많은 지방정부`,
      barTechGovernments: "많은 지방정부가 쓰는 기술",
      barTechGovernmentsNote: "막대: 그 기술(또는 하위 기술)을 쓰는 정책이 있는 지방정부 수.",
      governments: (n) => `지방정부 ${n.toLocaleString("ko")}곳`,
      rankBy: "기술:",
      allTechnologies: "모든 기술",
      chooseOthers: "다른 행 고르기 (지방정부 필터)",
      barNone: "해당 없음",
      more: (n) => `…외 ${n.toLocaleString("ko")}개`,
      barHint: "막대를 누르면 정책 목록이 나옵니다.",
      tableShown: (shown, total) =>
        `${total.toLocaleString("ko")}건 가운데 ${shown.toLocaleString("ko")}건 표시 — 전체는 CSV로 내보내세요`,
      tableAll: (n) => `정책 ${n.toLocaleString("ko")}건`,
      csv: "CSV 내보내기",
      sortBy: (name) => `${name} 기준 정렬`,
      columns: {
        title: "정책",
        government: "지방정부",
        department: "담당 부서",
        technologies: "활용 기술",
        targetGroups: "정책 대상",
        partners: "협력 기관",
        budget: "예산",
        end: "종료·일정",
        year: "연도",
        source: "출처",
      },
      csvWon: "예산(원)",
      csvIri: "IRI",
    },
    en: {
      policies: (n) => `${n.toLocaleString("en")} ${n === 1 ? "policy" : "policies"}`,
      empty: "No policy matches the filters: clear them (or the focus).",
      noTechnology: (n) =>
        `None of the ${n.toLocaleString("en")} ${n === 1 ? "policy" : "policies"} in view names a technology.`,
      matrixTitle: "Departments (rows) × technologies (columns)",
      matrixTitleGov: "Governments (rows) × technologies (columns)",
      matrixCaption:
        "Each cell: how many of the row's (department's) policies use the column's technology. " +
        "A broader technology (e.g. AI) also counts the policies that use a narrower one " +
        "(e.g. Chatbot). Click a cell to list its policies.",
      matrixCaptionGov:
        "Each cell: how many of the government's policies use the column's technology. " +
        "A broader technology (e.g. AI) also counts the policies that use a narrower one " +
        "(e.g. Chatbot). Click a cell to list its policies.",
      noDepartment: (n) =>
        `${n.toLocaleString("en")} ${n === 1 ? "policy has" : "policies have"} no lead department: counted in their government's row.`,
      rowCap: (shown, total) =>
        `Showing the ${shown} rows with most policies, of ${total.toLocaleString("en")}. The table lists every policy.`,
      rowsBy: "Rows:",
      rowsDepartment: "departments",
      rowsGovernment: "governments",
      axisPolicies: "Policies",
      barTechnology: "Policies per technology",
      barTechnologyNote:
        "A broader technology (e.g. AI) also counts the policies that use a narrower one (e.g. Chatbot).",
      barTargetGroup: "Policies per target group",
      barGovernment: "Governments with most policies",
      barGovernmentTech: (name) => `Governments with most ${name} policies`,
      barTechGovernments: "Technologies used by most governments",
      barTechGovernmentsNote: "Bars: governments with a policy using the technology (or a narrower one).",
      governments: (n) => `${n.toLocaleString("en")} ${n === 1 ? "government" : "governments"}`,
      rankBy: "Technology:",
      allTechnologies: "every technology",
      chooseOthers: "Choose other rows (government filter)",
      barNone: "none",
      more: (n) => `…and ${n.toLocaleString("en")} more`,
      barHint: "Click a bar to list its policies.",
      tableShown: (shown, total) =>
        `${shown.toLocaleString("en")} of ${total.toLocaleString("en")} shown — export CSV for all`,
      tableAll: (n) => `${n.toLocaleString("en")} ${n === 1 ? "policy" : "policies"}`,
      csv: "Export CSV",
      sortBy: (name) => `Sort by ${name}`,
      columns: {
        title: "Policy",
        government: "Government",
        department: "Department",
        technologies: "Technologies",
        targetGroups: "Target groups",
        partners: "Partners",
        budget: "Budget",
        end: "End / timeline",
        year: "Year",
        source: "Source",
      },
      csvWon: "Budget (KRW)",
      csvIri: "IRI",
    },
  };

  const FONT = '"NanumGothic", "Noto Sans KR", sans-serif';
  const ROW_CAP = 60; // matrix rows; the table has every policy
  const CELL = 30; // narrowest matrix column, px
  const BAR_CAP = 30; // bars per chart
  const TABLE_CAP = 500; // table rows drawn; the CSV has every policy
  const COLUMNS = [
    "title", "government", "department", "technologies", "targetGroups", "partners",
    "budget", "end", "year", "source",
  ];

  // Layout only (no data): kept here so that answers.js brings what it draws.
  const STYLE = `
    #tab-matrix, #tab-charts, #tab-table { padding: .4rem .8rem 1rem; box-sizing: border-box; }
    .answers-caption, .answers-note { margin: .2rem 0 .5rem; color: #4a5568; }
    .answers-empty { margin: 1rem 0; font-weight: bold; }
    .answers-chart { width: 100%; max-width: 1100px; }
    .answers-scroll { overflow-x: auto; max-width: 100%; }
    .answers-block { margin: 0 0 1.5rem; }
    .answers-block h3, .answers-head h2 { font-size: 1rem; margin: .6rem 0 .2rem; }
    .answers-switch { border: 0; padding: 0; margin: .2rem 0; display: flex; gap: .8rem; flex-wrap: wrap; }
    .answers-switch legend { float: left; padding: 0 .4rem 0 0; }
    .answers-tools { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin: .4rem 0; }
    #answers-table { border-collapse: collapse; font-size: .9rem; }
    #answers-table th, #answers-table td { border-bottom: 1px solid #e2e8f0; padding: .25rem .4rem;
      text-align: left; vertical-align: top; word-break: keep-all; overflow-wrap: break-word; }
    #answers-table td { min-width: 5rem; }
    #answers-table td[data-key="title"] { min-width: 10rem; }
    #answers-table th { position: sticky; top: 0; background: #f7fafc; white-space: nowrap; }
    #answers-table th button { background: none; border: 0; padding: 0; font: inherit;
      font-weight: bold; cursor: pointer; }
    #answers-table th[aria-sort="ascending"] button::after { content: " ▲"; }
    #answers-table th[aria-sort="descending"] button::after { content: " ▼"; }
    #answers-table td.num { text-align: right; white-space: nowrap; }
    #answers-table .policy-link { background: none; border: 0; padding: 0; font: inherit;
      color: #2b6cb0; text-decoration: underline; cursor: pointer; text-align: left; }
  `;

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children) {
      node.append(child);
    }
    return node;
  }

  /** Term index → every term broader than it (transitively), from data.broader. */
  function broaderClosure(pairs) {
    const up = new Map();
    for (const [narrower, broader] of pairs) {
      if (!up.has(narrower)) up.set(narrower, []);
      up.get(narrower).push(broader);
    }
    const memo = new Map();
    function ancestors(term) {
      if (memo.has(term)) return memo.get(term);
      const found = new Set();
      const todo = [...(up.get(term) || [])];
      while (todo.length) {
        const next = todo.pop();
        if (found.has(next) || next === term) continue; // a cycle in skos:broader
        found.add(next);
        todo.push(...(up.get(next) || []));
      }
      memo.set(term, found);
      return found;
    }
    return ancestors;
  }

  /** Policy indexes grouped by key: Map key → [policy index], keys from keysOf(policy). */
  function groupBy(indexes, policies, keysOf) {
    const groups = new Map();
    for (const i of indexes) {
      for (const key of keysOf(policies[i])) {
        if (key === null || key === undefined) continue;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(i);
      }
    }
    return groups;
  }

  /** [[key, indexes]] sorted by count (most first), then by label. */
  function ranked(groups, label, lang) {
    const collator = new Intl.Collator(lang); // once: localeCompare(…, lang) builds one per call
    return [...groups.entries()].sort(
      (a, b) => b[1].length - a[1].length || collator.compare(label(a[0]), label(b[0])),
    );
  }

  function csvField(value) {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function mount(view) {
    const data = view.data;
    const policies = data.policies;
    const ancestors = broaderClosure(data.broader || []);
    const kindOf = (term) => (data.terms[term] || {}).k;
    const graphRows = (data.graph && data.graph.rows) || [];
    const governmentRows =
      data.page.mode === "aggregate" && graphRows.length > 0 && kindOf(graphRows[0]) === "government";
    const local = {
      rowsBy: governmentRows ? "government" : "department",
      rankTech: null, // the technology governments are ranked by (a term), or null: all
      charts: {}, // container id → ECharts instance
      stale: { matrix: true, charts: true, table: true },
    };
    const offerSwitch = data.page.mode === "aggregate" || Boolean(data.several);
    window.PolicyGraphAnswers.charts = () => local.charts; // for exports

    if (!document.getElementById("answers-style")) {
      const style = el("style", { id: "answers-style" });
      style.textContent = STYLE;
      document.head.append(style);
    }

    const t = () => TEXTS[view.lang()] || TEXTS.en;
    const label = (term) => (term === null || term === undefined ? "" : view.label(term));
    const ownName = (term) => {
      const entry = data.terms[term];
      if (!entry) return "";
      return (view.lang() === "en" ? entry.nen || entry.nko : entry.nko) || label(term);
    };
    // A policy's technologies and every broader one, worked out once per policy (a
    // national page asks it of tens of thousands, for several charts).
    const technologiesOfPolicy = new Map();
    const technologiesOf = (policy) => {
      let all = technologiesOfPolicy.get(policy.t);
      if (!all) {
        all = new Set(policy.tech);
        for (const tech of policy.tech) for (const up of ancestors(tech)) all.add(up);
        technologiesOfPolicy.set(policy.t, all);
      }
      return all;
    };

    function chart(container) {
      let instance = local.charts[container.id];
      if (!instance || instance.isDisposed()) {
        instance = echarts.init(container, null, { renderer: "canvas" });
        local.charts[container.id] = instance;
      } else {
        instance.off("click");
        instance.resize(); // the container's size may have changed (width, number of rows)
      }
      return instance;
    }

    function disposeCharts(section) {
      for (const [id, instance] of Object.entries(local.charts)) {
        if (section.querySelector(`#${id}`) === null) continue;
        instance.dispose();
        delete local.charts[id];
      }
    }

    /** What a screen reader hears for a chart (ECharts' own description is in English or Chinese). */
    function ariaText(description) {
      return { enabled: true, label: { description } };
    }

    function tooltip(formatLine) {
      return {
        trigger: "item",
        confine: true,
        textStyle: { fontFamily: FONT },
        formatter: (params) => formatLine(params),
      };
    }

    function emptyMessage(section) {
      // A page with no policy at all says which parameter to change (data.page.empty).
      const pageEmpty = policies.length === 0 && data.page.empty ? data.page.empty[view.lang()] : "";
      const text = pageEmpty || t().empty;
      section.replaceChildren(el("p", { class: "answers-empty", role: "status" }, text));
    }

    // ---- matrix -------------------------------------------------------------------------

    function matrixRows(indexes) {
      if (local.rowsBy === "government") return groupBy(indexes, policies, (p) => [p.g]);
      return groupBy(indexes, policies, (p) => [p.d === null ? p.g : p.d]);
    }

    function renderMatrix(section, indexes) {
      const text = t();
      const government = local.rowsBy === "government";
      const allRows = ranked(matrixRows(indexes), label, view.lang());
      const rows = allRows.slice(0, ROW_CAP);
      // Columns: technologies used in view, with the broader ones they fall under.
      const columnPolicies = groupBy(indexes, policies, (p) => technologiesOf(p));
      const columns = ranked(columnPolicies, label, view.lang()).map(([term]) => term);
      const title = government ? text.matrixTitleGov : text.matrixTitle;
      const caption = government ? text.matrixCaptionGov : text.matrixCaption;
      const head = el("div", { class: "answers-head" },
        el("h2", {}, title),
        el("p", { class: "answers-caption", id: "matrix-caption" }, caption));
      if (offerSwitch) head.append(rowSwitch());
      const notes = [];
      const withoutDepartment = indexes.filter((i) => policies[i].d === null).length;
      if (!government && withoutDepartment > 0) notes.push(text.noDepartment(withoutDepartment));
      if (allRows.length > rows.length) notes.push(text.rowCap(rows.length, allRows.length));
      for (const note of notes) head.append(el("p", { class: "answers-note" }, note));
      if (allRows.length > rows.length && document.getElementById("filter-g")) head.append(chooseOthers());
      if (columns.length === 0) {
        disposeCharts(section);
        const none = text.noTechnology(indexes.length);
        section.replaceChildren(head, el("p", { class: "answers-empty", role: "status" }, none));
        return;
      }
      const cells = [];
      const cellPolicies = new Map();
      const chosen = view.state.cell; // [row IRI, column IRI], in the URL
      let chosenCell = null;
      let most = 1;
      rows.forEach(([row, rowIndexes], y) => {
        const perColumn = groupBy(rowIndexes, policies, (p) => technologiesOf(p));
        columns.forEach((column, x) => {
          const found = perColumn.get(column);
          if (!found) return;
          const isChosen = chosen && chosen[0] === data.terms[row].id && chosen[1] === data.terms[column].id;
          if (isChosen) chosenCell = { x, y, found };
          cells.push(isChosen
            ? { value: [x, y, found.length], itemStyle: { borderColor: "#1a202c", borderWidth: 3 } }
            : [x, y, found.length]);
          cellPolicies.set(`${x},${y}`, found);
          most = Math.max(most, found.length);
        });
      });
      const narrow = section.clientWidth < 600;
      const labelWidth = narrow ? 110 : 220;
      const container = section.querySelector("#matrix-chart") ||
        el("div", { id: "matrix-chart", class: "answers-chart" });
      // Cells at least CELL px wide: a wide matrix scrolls sideways rather than shrink.
      const width = labelWidth + 40 + columns.length * CELL;
      container.style.width = width > section.clientWidth ? `${width}px` : "";
      container.style.maxWidth = width > section.clientWidth ? "none" : "";
      container.style.height = `${rows.length * 26 + 190}px`;
      section.replaceChildren(head, el("div", { class: "answers-scroll" }, container));
      const instance = chart(container);
      const rowLabels = rows.map(([term]) => label(term));
      const columnLabels = columns.map((term) => label(term));
      const encode = echarts.format.encodeHTML;
      instance.setOption({
        textStyle: { fontFamily: FONT },
        aria: ariaText(`${title}. ${caption}`),
        animation: false,
        tooltip: tooltip(
          (p) => `${encode(rowLabels[p.value[1]])} × ${encode(columnLabels[p.value[0]])}` +
            `<br>${encode(text.policies(p.value[2]))}`,
        ),
        grid: { left: labelWidth + 20, right: 30, top: columnLabelHeight(columnLabels), bottom: 60 },
        xAxis: {
          type: "category", data: columnLabels, position: "top",
          axisLabel: { rotate: 45, width: 120, overflow: "truncate", interval: 0 },
        },
        yAxis: {
          type: "category", data: rowLabels, inverse: true, splitArea: { show: true },
          axisLabel: { width: labelWidth, overflow: "truncate", interval: 0 },
        },
        visualMap: {
          min: 0, max: most, calculable: false, orient: "horizontal", left: labelWidth + 20, bottom: 10,
          text: [String(most), "0"], itemHeight: narrow ? 120 : 200,
          inRange: { color: ["#eaf1f8", "#4C78A8", "#1d3557"] },
        },
        series: [{
          type: "heatmap", data: cells, label: { show: true },
          emphasis: { itemStyle: { borderColor: "#1a202c", borderWidth: 1 } },
        }],
      }, { notMerge: true });
      const showCell = (x, y) =>
        view.showPolicies(`${rowLabels[y]} × ${columnLabels[x]}`, cellPolicies.get(`${x},${y}`) || []);
      instance.on("click", (p) => {
        const [x, y] = p.value;
        local.cellShown = JSON.stringify([data.terms[rows[y][0]].id, data.terms[columns[x]].id]);
        view.setState({ cell: JSON.parse(local.cellShown) }, { fit: false });
        showCell(x, y);
      });
      // A shared link's cell: its policies listed once, as a click would.
      if (chosenCell && local.cellShown !== JSON.stringify(chosen)) {
        local.cellShown = JSON.stringify(chosen);
        showCell(chosenCell.x, chosenCell.y);
      }
    }

    /** The rows left out are one filter away: this opens the government filter. */
    function chooseOthers() {
      const button = el("button", { type: "button", id: "matrix-choose" }, t().chooseOthers);
      button.addEventListener("click", () => {
        if (window.matchMedia("(max-width: 700px)").matches) document.getElementById("toggle-filters").click();
        document.getElementById("filter-g").focus();
      });
      return button;
    }

    /** Room above the grid for the column labels, drawn at 45° and cut at 120 px. */
    function columnLabelHeight(labels) {
      const context = document.createElement("canvas").getContext("2d");
      context.font = `12px ${FONT}`;
      const widest = Math.max(...labels.map((text) => context.measureText(text).width));
      return Math.round(Math.min(120, widest) * Math.SQRT1_2) + 30;
    }

    function rowSwitch() {
      const text = t();
      const fieldset = el("fieldset", { class: "answers-switch", id: "matrix-rows" },
        el("legend", {}, text.rowsBy));
      for (const [value, name] of [["department", text.rowsDepartment], ["government", text.rowsGovernment]]) {
        const input = el("input", { type: "radio", name: "matrix-rows", value, id: `matrix-rows-${value}` });
        input.checked = local.rowsBy === value;
        input.addEventListener("change", () => {
          local.rowsBy = value;
          local.stale.matrix = true;
          draw();
        });
        fieldset.append(el("label", { for: `matrix-rows-${value}` }, input, ` ${name}`));
      }
      return fieldset;
    }

    // ---- bar charts ---------------------------------------------------------------------

    // The rankings: governments by policies (of every technology, or of one chosen),
    // technologies by governments and by policies, target groups by policies. A bar's
    // value is its number of policies, or (``count``) of the governments among them.
    const BARS = [
      { id: "chart-government", title: "barGovernment", tool: technologyChoice,
        keys: (p) => (local.rankTech === null || technologiesOf(p).has(local.rankTech) ? [p.g] : []) },
      { id: "chart-technology-governments", title: "barTechGovernments", note: "barTechGovernmentsNote",
        keys: (p) => technologiesOf(p), count: (found) => new Set(found.map((i) => policies[i].g)).size },
      { id: "chart-technology", title: "barTechnology", note: "barTechnologyNote",
        keys: (p) => technologiesOf(p) },
      { id: "chart-target-group", title: "barTargetGroup", keys: (p) => p.tg },
    ];
    const policyCount = (found) => found.length;

    /** [[key, indexes]] ranked by value (most first), then by label. */
    function rankedBy(groups, value) {
      const collator = new Intl.Collator(view.lang());
      return [...groups.entries()].sort(
        (a, b) => value(b[1]) - value(a[1]) || collator.compare(label(a[0]), label(b[0])),
      );
    }

    // Which technology the governments are ranked by (local.rankTech: a term, or null).
    function technologyChoice(indexes) {
      const text = t();
      const select = el("select", { id: "rank-technology", "aria-label": text.rankBy });
      const technologies = ranked(groupBy(indexes, policies, (p) => technologiesOf(p)), label, view.lang());
      select.append(el("option", { value: "" }, text.allTechnologies));
      for (const [term] of technologies) {
        const option = el("option", { value: String(term) }, label(term));
        option.selected = term === local.rankTech;
        select.append(option);
      }
      select.addEventListener("change", () => {
        local.rankTech = select.value === "" ? null : Number(select.value);
        local.stale.charts = true;
        draw();
      });
      return el("label", { class: "answers-tools" }, text.rankBy, " ", select);
    }

    function renderCharts(section, indexes) {
      const text = t();
      const blocks = BARS.map((bar) => {
        const value = bar.count || policyCount;
        const all = rankedBy(groupBy(indexes, policies, bar.keys), value);
        const shown = all.slice(0, BAR_CAP);
        const title = bar.id === "chart-government" && local.rankTech !== null
          ? text.barGovernmentTech(label(local.rankTech)) : text[bar.title];
        const block = el("section", { class: "answers-block", id: `${bar.id}-block` }, el("h3", {}, title));
        if (bar.tool) block.append(bar.tool(indexes));
        const caption = [text.barHint];
        if (bar.note) caption.unshift(text[bar.note]);
        block.append(el("p", { class: "answers-caption" }, caption.join(" ")));
        if (shown.length === 0) {
          block.append(el("p", { class: "answers-note" }, text.barNone));
          return { bar, block, shown };
        }
        const container = section.querySelector(`#${bar.id}`) ||
          el("div", { id: bar.id, class: "answers-chart" });
        container.style.height = `${shown.length * 24 + 65}px`;
        block.append(container);
        if (all.length > shown.length) {
          block.append(el("p", { class: "answers-note answers-more" }, text.more(all.length - shown.length)));
        }
        return { bar, block, shown, container };
      });
      // Keep the chart containers that still have bars (their ECharts instances stay).
      for (const { bar, shown } of blocks) {
        if (shown.length === 0 && local.charts[bar.id]) {
          local.charts[bar.id].dispose();
          delete local.charts[bar.id];
        }
      }
      section.replaceChildren(...blocks.map((b) => b.block));
      const narrow = section.clientWidth < 600;
      const encode = echarts.format.encodeHTML;
      for (const { bar, shown, container } of blocks) {
        if (!container) continue;
        const labels = shown.map(([term]) => label(term));
        const value = bar.count || policyCount;
        const said = bar.count ? text.governments : text.policies;
        const instance = chart(container);
        instance.setOption({
          textStyle: { fontFamily: FONT },
          aria: ariaText(`${text[bar.title]}: ${labels.slice(0, 10).map((name, i) => `${name} ${value(shown[i][1])}`).join(", ")}`),
          animation: false,
          tooltip: tooltip((p) => `${encode(labels[p.dataIndex])}<br>${encode(said(p.value))}`),
          grid: { left: (narrow ? 120 : 230) + 10, right: 40, top: 45, bottom: 10 },
          xAxis: {
            type: "value", minInterval: 1, position: "top",
            name: bar.count ? text.rowsGovernment : text.axisPolicies, nameLocation: "middle", nameGap: 22,
          },
          yAxis: {
            type: "category", data: labels, inverse: true,
            axisLabel: { width: narrow ? 120 : 230, overflow: "truncate", interval: 0 },
          },
          series: [{
            type: "bar", data: shown.map(([, found]) => value(found)),
            itemStyle: { color: "#4C78A8" }, label: { show: true, position: "right" },
            barMaxWidth: 18,
          }],
        }, { notMerge: true });
        instance.on("click", (p) => view.showPolicies(labels[p.dataIndex], shown[p.dataIndex][1]));
      }
    }

    // ---- table --------------------------------------------------------------------------

    function cellValues(policy) {
      const lang = view.lang();
      const end = [policy.end, policy.timeline].filter((v) => v !== null && v !== undefined);
      return {
        title: label(policy.t),
        government: label(policy.g),
        department: policy.d === null ? "" : ownName(policy.d),
        technologies: policy.tech.map(label).join(", "),
        targetGroups: policy.tg.map(label).join(", "),
        partners: policy.pt.map(label).join(", "),
        budget: policy.budget ? policy.budget[lang] || policy.budget.ko : "",
        end: end.join(" · "),
        year: policy.year === null || policy.year === undefined ? "" : String(policy.year),
        source: policy.src.map(label).join(", "),
      };
    }

    function sortKey(policy, values, key) {
      if (key === "budget") return policy.won;
      if (key === "year") return policy.year;
      return values[key] === "" ? null : values[key];
    }

    // The table's sort, from the page's state (in the URL): "budget", or "-budget".
    function currentSort() {
      const sort = view.state.sort;
      if (!sort || !COLUMNS.includes(sort.replace(/^-/, ""))) return null;
      return { key: sort.replace(/^-/, ""), descending: sort.startsWith("-") };
    }

    function sortedRows(indexes) {
      const rows = indexes.map((i) => ({ i, policy: policies[i], values: cellValues(policies[i]) }));
      const sort = currentSort();
      if (!sort) return rows;
      const { key, descending } = sort;
      const collator = new Intl.Collator(view.lang(), { numeric: true });
      const compare = (a, b) => {
        const x = sortKey(a.policy, a.values, key);
        const y = sortKey(b.policy, b.values, key);
        if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1; // blanks last
        if (y === null || y === undefined) return -1;
        const order = typeof x === "number" ? x - y : collator.compare(String(x), String(y));
        return descending ? -order : order;
      };
      return rows.sort((a, b) => compare(a, b) || a.i - b.i);
    }

    function renderTable(section, indexes) {
      const text = t();
      const rows = sortedRows(indexes);
      const shown = rows.slice(0, TABLE_CAP);
      const count = el("p", { id: "table-count", role: "status" },
        rows.length > shown.length ? text.tableShown(shown.length, rows.length) : text.tableAll(rows.length));
      const button = el("button", { type: "button", id: "table-csv" }, text.csv);
      button.addEventListener("click", () => downloadCsv(sortedRows(view.visiblePolicies())));
      const headRow = el("tr");
      for (const key of COLUMNS) {
        const name = text.columns[key];
        const sort = currentSort();
        const sorted = sort && sort.key === key;
        const th = el("th", {
          scope: "col", "data-key": key,
          "aria-sort": sorted ? (sort.descending ? "descending" : "ascending") : "none",
        });
        const sortButton = el("button", { type: "button", class: "sort", title: text.sortBy(name) }, name);
        sortButton.addEventListener("click", () => {
          const descending = Boolean(sorted && !sort.descending);
          view.setState({ sort: (descending ? "-" : "") + key }, { fit: false });
          const again = section.querySelector(`th[data-key="${key}"] button`);
          if (again) again.focus();
        });
        th.append(sortButton);
        headRow.append(th);
      }
      const body = el("tbody");
      for (const { policy, values } of shown) {
        const tr = el("tr", { "data-policy": String(policy.t) });
        for (const key of COLUMNS) {
          const td = el("td", { "data-key": key });
          if (key === "title") {
            const link = el("button", { type: "button", class: "policy-link" }, values.title);
            link.addEventListener("click", () => view.select(policy.t));
            td.append(link);
          } else {
            td.textContent = values[key];
            if (key === "budget" || key === "year") td.className = "num";
            if (key === "source") td.title = sourceTitles(policy);
          }
          tr.append(td);
        }
        body.append(tr);
      }
      const table = el("table", { id: "answers-table" }, el("thead", {}, headRow), body);
      section.replaceChildren(
        el("div", { class: "answers-tools" }, count, button),
        table, // not in a scrolling box of its own: the header sticks while the tab scrolls
      );
    }

    function sourceTitles(policy) {
      const lang = view.lang();
      return policy.src
        .map((term) => {
          const source = (data.sources || {})[String(term)];
          return source && source.title ? source.title[lang] || source.title.ko : "";
        })
        .filter(Boolean)
        .join(" / ");
    }

    function downloadCsv(rows) {
      const text = t();
      const header = COLUMNS.map((key) => text.columns[key]).concat([text.csvWon, text.csvIri]);
      const lines = [header.map(csvField).join(",")];
      for (const { policy, values } of rows) {
        const fields = COLUMNS.map((key) => values[key]);
        fields.push(policy.won === null ? "" : String(policy.won), data.terms[policy.t].id);
        lines.push(fields.map(csvField).join(","));
      }
      // A byte-order mark so that Excel reads UTF-8 (Hangul); CRLF lines as RFC 4180 says.
      const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      const url = URL.createObjectURL(blob);
      // Named after the view and its filters: overview-policies-tech-chatbot-year-2021.csv
      const link = el("a", { href: url, download: window.PolicyGraphExports.fileName(view, "policies", "csv") });
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    }

    // ---- drawing --------------------------------------------------------------------------

    const RENDER = { matrix: renderMatrix, charts: renderCharts, table: renderTable };
    const NEEDS_ECHARTS = new Set(["matrix", "charts"]);

    function draw() {
      const tab = view.state.tab;
      const render = RENDER[tab];
      const section = document.getElementById(`tab-${tab}`);
      // Hidden or not laid out yet: the ResizeObserver below draws it once it has a width.
      if (!render || !section || section.hidden || section.clientWidth === 0) return;
      if (NEEDS_ECHARTS.has(tab) && !window.echarts) {
        loadECharts(draw); // what is stale stays so: drawn once, however often asked
        return;
      }
      if (section.clientWidth !== local.drawnWidth[tab]) local.stale[tab] = true;
      if (!local.stale[tab]) return;
      local.stale[tab] = false;
      // Labels and margins are chosen for the width: a new width draws again, not just resizes.
      local.drawnWidth[tab] = section.clientWidth;
      const indexes = view.visiblePolicies();
      section.removeAttribute("data-drawn");
      if (indexes.length === 0) {
        disposeCharts(section);
        emptyMessage(section);
      } else {
        render(section, indexes);
      }
      section.setAttribute("data-drawn", "true"); // tests and benchmarks wait on it
    }

    // A change of tab alone leaves what each tab shows as it was: only draw the one shown.
    const drawnFor = () => JSON.stringify([view.lang(), view.state.sort, view.state.cell, view.visiblePolicies()]);
    local.drawnFor = drawnFor();
    local.drawnWidth = {};
    view.onChange(() => {
      const now = drawnFor();
      if (now !== local.drawnFor) {
        local.drawnFor = now;
        for (const tab of Object.keys(local.stale)) local.stale[tab] = true;
      }
      draw();
    });
    // A tab shown after onChange, a resized window or panel: its section's width changes.
    // Drawn in the next frame, not inside the observer (which would observe its own change).
    let frame = null;
    const observer = new ResizeObserver(() => {
      if (frame === null) {
        frame = requestAnimationFrame(() => {
          frame = null;
          draw();
        });
      }
    });
    for (const tab of Object.keys(RENDER)) {
      const section = document.getElementById(`tab-${tab}`);
      if (section) observer.observe(section);
    }
    draw();
  }

  // ECharts (1.1 MB) is read only when a chart is first shown: most visits look at the
  // network, and parsing it would delay the first picture by a fifth of a second. It
  // sits beside this script (assets/), which works from file:// too; so do the map's
  // boundaries (korea-regions.js), read by map.js through loadScript.
  const ASSETS = document.currentScript
    ? document.currentScript.src.replace(/answers\.js(\?.*)?$/, "")
    : "assets/";
  const loading = new Map();

  /** A script of assets/ read once: a Promise of its having run. A page that opens on
   *  a chart asks for ECharts in its head (async: compiled while the page data is read);
   *  that script is waited for, not read again. */
  function loadScript(name) {
    if (!loading.has(name)) {
      loading.set(name, new Promise((resolve, reject) => {
        const present = document.querySelector(`script[data-asset="${name}"]`);
        const script = present || document.createElement("script");
        if (present && present.dataset.loaded) return resolve();
        script.addEventListener("load", resolve);
        script.addEventListener("error", () => reject(new Error(`${name} did not load`)));
        if (!present) {
          script.src = ASSETS + name;
          script.dataset.asset = name;
          document.head.appendChild(script);
        }
      }));
    }
    return loading.get(name);
  }

  function loadECharts(then) {
    loadScript("echarts.min.js").then(then);
  }

  window.PolicyGraphAnswers = { mount, loadScript };
})();
