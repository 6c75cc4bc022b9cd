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
  root.removeAttribute("data-editor-loading");
  root.setAttribute("data-editor-ready", String(settings.examples.length + 1));
})();
