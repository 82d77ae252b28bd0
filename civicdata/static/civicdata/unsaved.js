/* "Check on leave": a long form marked `data-warn-unsaved` makes the browser ask before the page is
   left (a link, the back button, closing the tab) while it holds changes that are not saved yet.
   Typing or choosing in the form marks it changed; sending it clears the mark. The browser words the
   question itself, in its own language. Only an enhancement: without JavaScript nothing asks. */
(function () {
  "use strict";

  var changed = new Set();

  function watchedForm(element) {
    var form = element && (element.form || (element.closest && element.closest("form")));
    return form && form.hasAttribute("data-warn-unsaved") ? form : null;
  }

  function mark(event) {
    var form = watchedForm(event.target);
    if (form) changed.add(form);
  }

  // Delegated on the document: forms that htmx swaps in are watched too.
  document.addEventListener("input", mark);
  document.addEventListener("change", mark);
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented && event.target.hasAttribute("data-warn-unsaved")) changed.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    changed.forEach(function (form) {
      if (!form.isConnected) changed.delete(form);
    });
    if (!changed.size) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need a value to ask
  });
})();
