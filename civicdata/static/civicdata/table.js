/* The table page with htmx: after a filter, sort or page change swaps the results region, move focus
   to the sentence saying which rows match, so the results are in view and screen readers hear it.
   Without JavaScript the links and forms land on the same place through the #results fragment. */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "table-explorer") return;
    var results = document.getElementById("results");
    if (!results) return;
    results.focus({ preventScroll: true });
    results.scrollIntoView({ block: "start" });
  });
})();
