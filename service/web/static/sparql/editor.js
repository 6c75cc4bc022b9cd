// The query editor: YASGUI on our endpoint, our prefixes, the example queries as tabs.
// Nothing here reaches another host: the prefix and class/property completers that
// call outside services are replaced by ones that read the page's configuration.
(function () {
  "use strict";
  var configElement = document.getElementById("sparql-editor-config");
  var root = document.getElementById("yasgui");
  if (!configElement || !root || typeof Yasgui === "undefined") return;
  var settings = JSON.parse(configElement.textContent);

  var prefixLines = Object.keys(settings.prefixes).map(function (prefix) {
    return prefix + ": <" + settings.prefixes[prefix] + ">";
  });
  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "localPrefixes",
    persistenceId: null,
    get: function () { return Promise.resolve(prefixLines.slice().sort()); },
  }, false);
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "localPrefixes"];
  // The editor's text area (CodeMirror's) is named, as a field must be.
  Yasgui.Yasqe.defaults.screenReaderLabel = "Requête SPARQL · SPARQL query";
  // On a phone the editor grows with its query: the page scrolls, not a box inside it (a box
  // that scrolls needs a way in from the keyboard, and is hard to scroll with a thumb).
  if (window.matchMedia("(max-width: 40rem)").matches) {
    Yasgui.Yasqe.defaults.editorHeight = "auto";
    Yasgui.Yasqe.defaults.viewportMargin = Infinity;
    Yasgui.Yasqe.defaults.resizeable = false;
  }

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: settings.endpoint }]; } },
  });

  var first = yasgui.addTab(true, {
    name: settings.fromLink ? "Requête · Query" : "Nouvelle requête · New query",
    yasqe: { value: settings.query },
    requestConfig: { endpoint: settings.endpoint },
  });
  settings.examples.forEach(function (example) {
    yasgui.addTab(false, {
      name: example.name,
      yasqe: { value: example.query },
      requestConfig: { endpoint: settings.endpoint },
    });
  });
  yasgui.selectTabId(first.getId());
  repairAccessibility(root);
  // YASGUI draws a tab's panel when it is opened and a result when it comes: repaired each time
  // something is drawn, once a frame at most.
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      repairAccessibility(root);
    });
  }).observe(root, { childList: true, subtree: true });
  root.removeAttribute("data-editor-loading");
  root.setAttribute("data-editor-ready", String(settings.examples.length + 1));

  // What YASGUI 4.2 leaves wrong for assistive technology, set right after it draws (the
  // browser tests hold the page to axe-core's rules):
  // - a tab names the panel it controls from the start, but YASGUI draws a panel only when its
  //   tab is first opened: a tab points at its panel once the panel exists;
  // - the "+" button that adds a tab sits in the tab list, where ARIA allows only tabs, and is
  //   one of the list's arrow-key stops: it is marked as one of its tabs;
  // - the endpoint field of each tab's panel and the results' page size have no name.
  function repairAccessibility(container) {
    container.querySelectorAll('[role="tab"][aria-controls], [role="tab"][data-controls]')
      .forEach(function (tab) {
        var panel = tab.getAttribute("data-controls") || tab.getAttribute("aria-controls");
        tab.setAttribute("data-controls", panel);
        if (document.getElementById(panel)) tab.setAttribute("aria-controls", panel);
        else tab.removeAttribute("aria-controls");
      });
    container.querySelectorAll('[role="tablist"] .addTab').forEach(function (button) {
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", "false");
      button.setAttribute("aria-label", "Nouvel onglet · New tab");
    });
    container.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", "Point d'accès SPARQL · SPARQL endpoint");
    });
    container.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", "Lignes par page · Rows per page");
    });
  }
})();
