/* index.html in either language: the sections are both in the page; #lang=en (or ko)
   shows one, and the switch button changes it (and the address, to share). */
"use strict";
(function () {
  const sections = Array.from(document.querySelectorAll("section.in-lang"));
  const button = document.getElementById("lang-switch");
  const first = sections.length ? sections[0].lang : "ko";

  function wanted() {
    const lang = new URLSearchParams(location.hash.replace(/^#/, "")).get("lang");
    return sections.some((section) => section.lang === lang) ? lang : first;
  }

  function show(lang) {
    for (const section of sections) section.hidden = section.lang !== lang;
    document.documentElement.lang = lang;
    document.title = lang === "ko" ? "policy-graph 보기와 분석" : "policy-graph views and analysis";
    if (button) button.textContent = button.dataset[lang];
    const hash = lang === first ? "" : "#lang=" + lang;
    if (location.hash !== hash) history.replaceState(null, "", location.href.split("#")[0] + hash);
  }

  if (button) {
    button.addEventListener("click", () => {
      const now = wanted();
      const other = sections.map((section) => section.lang).find((lang) => lang !== now);
      show(other);
    });
  }
  window.addEventListener("hashchange", () => show(wanted()));
  show(wanted());
})();
