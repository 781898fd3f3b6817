// "Select all" on the confirmation queue. Without JavaScript the control is a link that reloads the page
// with every box ticked; with it, the boxes are ticked (or cleared) in place.
document.addEventListener("click", (event) => {
  const control = event.target.closest("[data-select-all]");
  if (!control) return;
  event.preventDefault();
  const boxes = [...document.getElementById(control.dataset.selectAll).querySelectorAll("input[name=item]")];
  const tick = !boxes.every((box) => box.checked);
  boxes.forEach((box) => { box.checked = tick; });
  control.textContent = tick ? "Clear the selection" : `Select all (${control.dataset.count})`;
});
