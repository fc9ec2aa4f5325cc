// The day's work pages: a Print button, shown only where it can work (with JavaScript on;
// without it the browser's own Print prints the same page).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
