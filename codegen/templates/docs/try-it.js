// The try-it forms of the API reference: each sends its REST call with the bearer token given
// and shows the answer's HTTP status, its gRPC code by name, and its body.
"use strict";

const CODES = [
  "OK", "Cancelled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
  "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
  "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
];

async function send(form) {
  const answer = form.querySelector(".answer");
  const status = form.querySelector(".status");
  const body = form.querySelector(".body");
  const button = form.querySelector("button");
  const headers = { Accept: "application/json" };
  const token = form.elements.token.value.trim();
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const init = { method: form.dataset.verb, headers };
  if (form.elements.body) {
    headers["Content-Type"] = "application/json";
    init.body = form.elements.body.value;
  }
  button.disabled = true;
  status.textContent = "Sending…";
  body.textContent = "";
  answer.hidden = false;
  try {
    const response = await fetch(form.elements.target.value, init);
    const text = await response.text();
    let shown = text;
    let code = "";
    try {
      const json = JSON.parse(text);
      shown = JSON.stringify(json, null, 2);
      if (!response.ok && Number.isInteger(json.code)) {
        code = ` · ${CODES[json.code] || "code"} (${json.code})`;
      }
    } catch {
      // Not JSON: shown as it came.
    }
    status.textContent = `HTTP ${response.status} ${response.statusText}${code}`.trim();
    body.textContent = shown;
  } catch (error) {
    status.textContent = `The request failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  // One token for the page: typed into any form, it fills them all.
  const tokens = document.querySelectorAll("form.try-it input[name=token]");
  for (const input of tokens) {
    input.addEventListener("input", () => {
      for (const other of tokens) {
        if (other !== input) other.value = input.value;
      }
    });
  }
  for (const form of document.querySelectorAll("form.try-it")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form);
    });
  }
});
