// Upload widget: each file goes straight to storage (Django never sees the bytes).
// slot (API) -> multipart POST to the presigned URL, with a progress bar -> complete (API) -> poll the
// item until the worker has verified or rejected the file. Works with drag-and-drop and the file input.
(function () {
  "use strict";
  var widget = document.querySelector("[data-upload]");
  if (!widget) return;
  var slotUrl = widget.dataset.slotUrl;
  var itemUrl = widget.dataset.itemUrl;
  var csrf = widget.dataset.csrf;
  var list = widget.querySelector("[data-list]");
  var input = widget.querySelector("[data-input]");
  var dropzone = widget.querySelector("[data-dropzone]");
  var pending = 0;

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.message || "The request failed (" + response.status + ").");
        return data;
      });
    });
  }

  function row(file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    var status = document.createElement("span");
    status.className = "upload-status";
    status.textContent = " waiting";
    item.append(name, bar, status);
    list.append(item);
    return {
      progress: function (percent) { bar.value = percent; },
      say: function (text, isError) { status.textContent = " " + text; status.className = isError ? "upload-status error" : "upload-status"; },
    };
  }

  function toStorage(upload, file, ui) {
    return new Promise(function (resolve, reject) {
      var form = new FormData();
      Object.keys(upload.fields).forEach(function (key) { form.append(key, upload.fields[key]); });
      form.append("file", file); // last: S3 reads the policy fields before the file
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.url);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) ui.progress(Math.round((event.loaded / event.total) * 100));
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(new Error("Storage refused the upload (" + xhr.status + ")."));
      });
      xhr.addEventListener("error", function () { reject(new Error("The upload was interrupted: try again.")); });
      xhr.send(form);
    });
  }

  function poll(fileId, ui) {
    return api("GET", itemUrl).then(function (item) {
      var file = item.files.find(function (f) { return f.id === fileId; });
      if (!file) throw new Error("The file is no longer there.");
      if (file.state === "verified") { ui.say("checked and added"); return; }
      if (file.state === "rejected") { ui.say(file.rejection_reason, true); return; }
      ui.say("checking…");
      return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(function () { return poll(fileId, ui); });
    });
  }

  function send(file) {
    var ui = row(file);
    pending += 1;
    ui.say("asking for an upload slot…");
    var body = { name: file.name, content_type: file.type || "application/octet-stream", size: file.size };
    return api("POST", slotUrl, body)
      .then(function (slot) {
        ui.say("uploading…");
        return toStorage(slot.upload, file, ui).then(function () { return slot.file.id; });
      })
      .then(function (fileId) {
        ui.progress(100);
        return api("POST", slotUrl + fileId + "/complete/").then(function () { return poll(fileId, ui); });
      })
      .catch(function (error) { ui.say(error.message, true); })
      .finally(function () {
        pending -= 1;
        if (pending === 0) document.dispatchEvent(new CustomEvent("evidence:uploads-done"));
      });
  }

  function sendAll(files) { Array.prototype.forEach.call(files, send); }

  input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
  // Files chosen before this script ran (a slow connection: the page shows before its deferred scripts run).
  if (input.files && input.files.length) { sendAll(input.files); input.value = ""; }
  dropzone.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
  });
  ["dragenter", "dragover"].forEach(function (type) {
    dropzone.addEventListener(type, function (event) { event.preventDefault(); dropzone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    dropzone.addEventListener(type, function () { dropzone.classList.remove("dragging"); });
  });
  dropzone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) sendAll(event.dataTransfer.files);
  });
})();
// When every upload has its result, htmx (hx-trigger on #files-and-submit) reloads the file table and the
// submit form together from the server, so the form carries the version the uploads made.
