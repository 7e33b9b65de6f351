// Comments, enhanced: the form is sent without leaving the page, and "Reply" moves the form under the
// comment. Without this file both work as plain links and form posts (comments/views.py).
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  if (!form || !window.fetch || !window.FormData) return;
  var home = form.parentNode, homeNext = form.nextSibling;
  var heading = form.querySelector("#comment-form-heading");
  var headingText = heading.textContent.trim();
  var parentInput = form.querySelector("[data-comment-parent]");
  var tokenInput = form.querySelector("[data-comment-token]");
  var cancel = form.querySelector("[data-comment-cancel]");
  var alertBox = form.querySelector("#comment-form-alert");
  var note = "comment-form-note";

  function showAlert(text, isError) {
    alertBox.textContent = text;
    alertBox.classList.toggle("is-error", !!isError);
    alertBox.hidden = !text;
  }

  function clearErrors() {
    ["name", "email", "text"].forEach(function (name) {
      var input = form.querySelector("#comment-" + name);
      var error = form.querySelector("#comment-" + name + "-error");
      input.removeAttribute("aria-invalid");
      if (name === "email") input.setAttribute("aria-describedby", note); else input.removeAttribute("aria-describedby");
      error.textContent = "";
      error.hidden = true;
    });
  }

  function showErrors(errors) {
    var first = null;
    ["name", "email", "text"].forEach(function (name) {
      if (!errors[name]) return;
      var input = form.querySelector("#comment-" + name);
      var error = form.querySelector("#comment-" + name + "-error");
      error.textContent = errors[name].join(" ");
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id + (name === "email" ? " " + note : ""));
      first = first || input;
    });
    var general = (errors.__all__ || []).concat(errors.parent || []);
    showAlert(general.join(" "), true);
    if (first) first.focus(); else if (general.length) alertBox.focus();
  }

  function replyTo(link) {
    var item = link.closest(".comment");
    parentInput.value = link.getAttribute("data-reply-to");
    heading.textContent = "Reply to " + link.getAttribute("data-reply-name");
    item.appendChild(form);
    cancel.hidden = false;
    showAlert("", false);
    form.querySelector("#comment-name").focus();
  }

  function backHome() {
    parentInput.value = "";
    heading.textContent = headingText;
    home.insertBefore(form, homeNext);
    cancel.hidden = true;
  }

  document.querySelectorAll("[data-reply-to]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); replyTo(link); });
  });
  cancel.addEventListener("click", function () { backHome(); form.querySelector("#comment-name").focus(); });
  alertBox.setAttribute("tabindex", "-1");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type='submit']");
    button.disabled = true;
    clearErrors();
    fetch(form.action, {method: "POST", body: new FormData(form), headers: {"Accept": "application/json"},
                        credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.token) tokenInput.value = data.token;
        if (data.ok) {
          var text = form.querySelector("#comment-text");
          text.value = "";
          backHome();
          showAlert(data.message, false);
          alertBox.focus();
        } else {
          showErrors(data.errors || {});
        }
      })
      .catch(function () { showAlert("Your comment could not be sent. Please try again.", true); alertBox.focus(); })
      .then(function () { button.disabled = false; });
  });
})();
