// Move focus to where the person should look after a form was sent: the first error summary, else a
// result marked `data-focus-on-load` (a tool's report). The browser scrolls there and a screen reader
// reads it. `autofocus` on those elements already does this without JavaScript in most browsers.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("[data-error-summary]") || document.querySelector("[data-focus-on-load]");
  if (target && document.activeElement !== target) target.focus();
});
