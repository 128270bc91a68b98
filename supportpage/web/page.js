// The page works without this script; it adds the drop zone, the copy button and the
// "checking…" state.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var drop = document.getElementById("drop");
  var file = document.getElementById("file");
  if (drop && file) {
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () {
        drop.classList.remove("over");
      });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length > 0) {
        file.files = e.dataTransfer.files;
        file.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  var form = document.getElementById("check-form");
  var submit = document.getElementById("check-submit");
  if (form && submit) {
    form.addEventListener("submit", function () {
      // Disabled on the next turn, so that the button still counts as the form's submitter.
      setTimeout(function () {
        submit.disabled = true;
        submit.textContent = form.dataset.checking;
        form.setAttribute("aria-busy", "true");
      }, 0);
    });
    // Back from the result page, the form is usable again.
    window.addEventListener("pageshow", function () {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    });
  }

  var copy = document.getElementById("copy-reply");
  var reply = document.getElementById("reply");
  var status = document.getElementById("copy-status");
  if (copy && reply) {
    copy.addEventListener("click", function () {
      var done = function () {
        if (status) {
          status.textContent = copy.dataset.copied;
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(reply.value).then(done, function () {
          reply.select();
          if (document.execCommand("copy")) {
            done();
          }
        });
        return;
      }
      reply.select();
      if (document.execCommand("copy")) {
        done();
      }
    });
  }
});
