/* Discussions: progressive enhancement only. Without this file every feature works with
   plain links, <details> and POST forms. With it:
   - collapsed branches are remembered in localStorage;
   - "Reply" opens the form in place, and comments are posted with fetch: the server sends
     the new comment's HTML, which is inserted without a reload. */
(function () {
  "use strict";

  var STORE = "agora:collapsed-branches";

  function loadCollapsed() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "[]");
    } catch (e) {
      return [];
    }
  }

  function saveCollapsed(list) {
    try {
      // Keep the most recent 500 so the entry never grows without bound.
      window.localStorage.setItem(STORE, JSON.stringify(list.slice(-500)));
    } catch (e) {
      /* storage full or disabled: collapsing still works for this page */
    }
  }

  function rememberCollapse(root) {
    var collapsed = loadCollapsed();
    root.querySelectorAll("details.comment__replies[data-branch]").forEach(function (el) {
      if (collapsed.indexOf(el.dataset.branch) !== -1) {
        el.open = false;
      }
    });
    root.addEventListener(
      "toggle",
      function (event) {
        var el = event.target;
        if (!el.matches || !el.matches("details.comment__replies[data-branch]")) return;
        var list = loadCollapsed().filter(function (id) {
          return id !== el.dataset.branch;
        });
        if (!el.open) list.push(el.dataset.branch);
        saveCollapsed(list);
      },
      true
    );
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    return (Date.now().toString(16) + Math.random().toString(16).slice(2)).slice(0, 32);
  }

  var formCount = 0;

  function showErrors(form, messages) {
    var box = form.querySelector(".form-errors");
    if (!box) {
      box = document.createElement("div");
      box.className = "form-errors";
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.firstChild.nextSibling);
    }
    box.textContent = "";
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
  }

  function clearErrors(form) {
    var box = form.querySelector(".form-errors");
    if (box) box.remove();
  }

  function repliesListFor(li) {
    var details = li.querySelector(":scope > details.comment__replies");
    if (!details) {
      details = document.createElement("details");
      details.className = "comment__replies";
      details.open = true;
      details.dataset.branch = li.id.replace(/^c/, "");
      var summary = document.createElement("summary");
      var count = document.createElement("span");
      count.className = "comment__replies-count";
      count.textContent = "1 reply";
      summary.appendChild(count);
      details.appendChild(summary);
      var ol = document.createElement("ol");
      ol.className = "thread__list";
      details.appendChild(ol);
      var cont = li.querySelector(":scope > .comment__continue");
      li.insertBefore(details, cont || null);
    }
    details.open = true;
    return details.querySelector(":scope > ol");
  }

  function insertComment(data) {
    var target;
    if (data.parent) {
      var parentLi = document.getElementById("c" + data.parent);
      if (!parentLi) return false;
      target = repliesListFor(parentLi);
    } else {
      target = document.querySelector("#discussion ol.thread");
      if (!target) return false;
      var empty = document.querySelector("#discussion .thread-empty");
      if (empty) empty.remove();
    }
    target.insertAdjacentHTML("beforeend", data.html);
    var li = document.getElementById("c" + data.id);
    if (li) {
      li.classList.add("comment--just-posted");
      li.setAttribute("tabindex", "-1");
      li.focus();
    }
    return true;
  }

  function enhanceForm(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "preview") return; // preview is a full page
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      var body = new FormData(form);
      if (submitter && submitter.name) body.append(submitter.name, submitter.value);
      var status = form.querySelector(".comment-form__status");
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) {
        b.disabled = true;
      });
      if (status) status.textContent = "Posting…";
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            throw new Error(
              response.status === 429
                ? "You are posting too fast: wait a minute and try again."
                : "The comment could not be posted (error " + response.status + ")."
            );
          }
          return response.json().then(function (data) {
            return { status: response.status, data: data };
          });
        })
        .then(function (result) {
          if (result.status === 201) {
            clearErrors(form);
            var textarea = form.querySelector("textarea");
            if (textarea) textarea.value = "";
            form.querySelector("input[name=idempotency_key]").value = newKey();
            if (status) {
              status.textContent =
                result.data.status === "pending"
                  ? "Posted: your comment is awaiting review."
                  : "Posted.";
            }
            if (!insertComment(result.data)) {
              window.location.assign(result.data.url);
              return;
            }
            if (form.dataset.inPlace) form.remove();
          } else {
            showErrors(form, result.data.errors || ["The comment could not be posted."]);
            if (status) status.textContent = "";
          }
        })
        .catch(function (error) {
          showErrors(form, [error.message || "The comment could not be posted."]);
          if (status) status.textContent = "";
        })
        .finally(function () {
          buttons.forEach(function (b) {
            b.disabled = false;
          });
        });
    });
  }

  function openReplyForm(link, template) {
    var pk = link.dataset.replyTo;
    var li = document.getElementById("c" + pk);
    if (!li) return false;
    var existing = li.querySelector(":scope > .comment-form");
    if (existing) {
      existing.querySelector("textarea").focus();
      return true;
    }
    formCount += 1;
    var form = template.cloneNode(true);
    form.removeAttribute("id");
    form.dataset.inPlace = "1";
    delete form.dataset.enhanced;
    form.classList.add("comment-form--reply");
    form.querySelectorAll(".form-errors, .field-error").forEach(function (el) {
      el.remove();
    });
    form.querySelectorAll("[id]").forEach(function (el) {
      var id = el.id + "-r" + formCount;
      var label = form.querySelector('label[for="' + el.id + '"]');
      if (label) label.setAttribute("for", id);
      el.id = id;
    });
    form.querySelector("input[name=parent]").value = pk;
    form.querySelector("input[name=idempotency_key]").value = newKey();
    var textarea = form.querySelector("textarea");
    textarea.value = "";
    var label = form.querySelector('label[for="' + textarea.id + '"]');
    if (label) label.textContent = "Your reply";
    var post = form.querySelector("button[name=post]");
    if (post) post.textContent = "Post reply";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button--quiet";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () {
      form.remove();
      link.focus();
    });
    form.querySelector(".comment-form__actions").appendChild(cancel);
    var box = li.querySelector(":scope > .comment__box");
    box.insertAdjacentElement("afterend", form);
    enhanceForm(form);
    textarea.focus();
    return true;
  }

  function init() {
    var discussion = document.getElementById("discussion") || document.querySelector("[data-discussion]");
    if (!discussion) return;
    rememberCollapse(discussion);
    var template = document.getElementById("comment-form");
    if (template) enhanceForm(template);
    discussion.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.comment__reply") : null;
      if (!link || !template) return;
      if (openReplyForm(link, template)) event.preventDefault();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
