// Runs in both reference pages; src/docs/build.ts inlines it with a JSON config before </body>.
// Redoc 3 routes with the hash (#/tag/operation). This script keeps the language link on the
// reader's route, turns Redoc's sidebar group links ("/tag", a 404 in a new tab) into hash routes,
// and on the zh-CN page replaces Redoc's English interface labels.
(() => {
  const config = JSON.parse(document.getElementById("ims-page-config").textContent);
  const labels = config.labels;
  const attributes = ["aria-label", "title", "placeholder"];

  const langLink = document.querySelector("nav.ims-lang-bar a[data-keep-route]");
  const keepRoute = () => {
    if (langLink) langLink.setAttribute("href", langLink.dataset.keepRoute + location.hash);
  };
  window.addEventListener("hashchange", keepRoute);
  keepRoute();

  const patterns = labels ? labels.patterns.map(([re, to]) => [new RegExp(re), to]) : [];
  const typeLine = labels ? new RegExp(labels.typeLine) : null;
  const typeWords = labels ? Object.entries(labels.typeWords) : [];
  const translate = (text) => {
    const trimmed = text.trim();
    if (!trimmed) return text;
    if (Object.hasOwn(labels.exact, trimmed)) return text.replace(trimmed, labels.exact[trimmed]);
    if (typeLine.test(trimmed)) {
      let out = text;
      for (const [word, to] of typeWords) out = out.split(word).join(to);
      return out;
    }
    for (const [re, to] of patterns) if (re.test(trimmed)) return text.replace(trimmed, trimmed.replace(re, to));
    return text;
  };
  const translateText = (node) => {
    if (node.parentElement?.closest("code, pre, script, style")) return;
    const next = translate(node.nodeValue);
    if (next !== node.nodeValue) node.nodeValue = next;
  };
  const translateAttributes = (element) => {
    for (const name of attributes) {
      const value = element.getAttribute(name);
      if (value) {
        const next = translate(value);
        if (next !== value) element.setAttribute(name, next);
      }
    }
  };

  const routeLinks = 'a[href^="/"]:not([href^="//"])';
  const labelled = "[aria-label], [title], [placeholder]";
  const fixLink = (a) => a.setAttribute("href", `#${a.getAttribute("href")}`);
  const fixElement = (element) => {
    if (element.matches(routeLinks)) fixLink(element);
    if (labels) translateAttributes(element);
  };
  // Only the elements that can need a change are looked at: React adds large subtrees at a time.
  const visit = (root) => {
    if (root.nodeType === Node.TEXT_NODE) {
      if (labels) translateText(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    for (const a of root.querySelectorAll(routeLinks)) fixLink(a);
    if (!labels) return;
    for (const element of root.querySelectorAll(labelled)) translateAttributes(element);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) translateText(node);
  };

  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === "childList") for (const node of mutation.addedNodes) visit(node);
      else if (mutation.type === "characterData") visit(mutation.target);
      else fixElement(mutation.target);
    }
  }).observe(document.body, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["href", ...attributes],
  });
  visit(document.body);
})();
