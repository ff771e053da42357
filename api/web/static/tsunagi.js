// つなぎ: a little progressive enhancement. Every page works without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Print buttons (the dossier is read on paper before the first joint visit).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // The timeline loads its next page when its "more" link scrolls into view.
  const loadMore = async (link) => {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    const response = await fetch(link.dataset.fragment, { credentials: "same-origin" });
    if (!response.ok) { delete link.dataset.loading; return; }
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const list = document.getElementById("timeline-items");
    const more = link.closest(".timeline-more");
    for (const item of holder.querySelectorAll("#timeline-items > li")) list.append(item);
    const next = holder.querySelector(".timeline-more");
    if (next) { more.replaceWith(next); watch(next.querySelector("a[data-fragment]")); }
    else { more.remove(); }
    document.getElementById("timeline-status").textContent =
      `${list.children.length}件を表示しています`;
  };
  const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    for (const entry of entries) if (entry.isIntersecting) loadMore(entry.target);
  }) : null;
  const watch = (link) => {
    if (!link) return;
    link.addEventListener("click", (event) => { event.preventDefault(); loadMore(link); });
    if (observer) observer.observe(link);
  };
  watch(document.querySelector(".timeline-more a[data-fragment]"));
});
