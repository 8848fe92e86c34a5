// Copy a rating link to the clipboard (issue 12 rating links).
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
    button.textContent = button.getAttribute("data-copied");
  });
});
